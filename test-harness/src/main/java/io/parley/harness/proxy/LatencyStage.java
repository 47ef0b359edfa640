package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.Latency;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.random.RandomGenerator;

/**
 * Holds each chunk (and the end) until its release time. Release times never decrease, so order is
 * kept. Detaching forwards everything held at once, as Toxiproxy does ("don't drop any data").
 */
final class LatencyStage extends Stage {

  private record Held(ByteBuffer data, long releaseAt) {}

  private final Latency latency;
  private final RandomGenerator random;
  private final ArrayDeque<Held> queue = new ArrayDeque<>();
  private long heldBytes;
  private long lastReleaseAt = System.nanoTime();
  private EventLoop.Timer timer;

  LatencyStage(FaultRule rule, Link link, Latency latency, RandomGenerator random) {
    super(rule, link);
    this.latency = latency;
    this.random = random;
  }

  @Override
  public void accept(ByteBuffer data) {
    heldBytes += data.remaining();
    hold(data);
  }

  @Override
  public void end() {
    hold(null);
  }

  private void hold(ByteBuffer dataOrEnd) {
    long releaseAt = System.nanoTime() + latency.sample(random).toNanos();
    if (releaseAt - lastReleaseAt < 0) {
      releaseAt = lastReleaseAt;
    }
    lastReleaseAt = releaseAt;
    queue.add(new Held(dataOrEnd, releaseAt));
    arm();
  }

  private void arm() {
    Held head = queue.peek();
    if (timer == null && head != null) {
      timer = link.connection.schedule(head.releaseAt - System.nanoTime(), this::releaseDue);
    }
  }

  private void releaseDue() {
    timer = null;
    long now = System.nanoTime();
    Held head;
    while ((head = queue.peek()) != null && head.releaseAt - now <= 0) {
      forward(queue.poll());
    }
    arm();
  }

  private void forward(Held held) {
    if (held.data == null) {
      next.end();
    } else {
      heldBytes -= held.data.remaining();
      next.accept(held.data);
    }
  }

  @Override
  long held() {
    return heldBytes;
  }

  @Override
  void detach() {
    release();
    Held held;
    while ((held = queue.poll()) != null) {
      forward(held);
    }
  }

  @Override
  void release() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
