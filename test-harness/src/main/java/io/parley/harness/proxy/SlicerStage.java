package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.Slicer;
import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

/**
 * Forwards one segment, waits the slicer's delay, forwards the next. Segments are cut across read
 * boundaries. Detaching forwards the rest at once.
 */
final class SlicerStage extends Stage {

  private final Slicer slicer;
  private final RandomGenerator random;
  private final ChunkQueue queue = new ChunkQueue();
  private EventLoop.Timer timer;

  SlicerStage(FaultRule rule, Link link, Slicer slicer, RandomGenerator random) {
    super(rule, link);
    this.slicer = slicer;
    this.random = random;
  }

  @Override
  public void accept(ByteBuffer data) {
    queue.add(data);
    pump();
  }

  @Override
  public void end() {
    queue.markEnded();
    pump();
  }

  private void pump() {
    long delayNanos = slicer.delay().toNanos();
    while (timer == null && !queue.isEmpty()) {
      next.accept(queue.take(slicer.sampleSize(random)));
      if (delayNanos > 0) {
        timer = link.connection.schedule(delayNanos, this::resume);
      }
    }
    if (timer == null && queue.endReached()) {
      queue.drainTo(next);
    }
  }

  private void resume() {
    timer = null;
    pump();
  }

  @Override
  long held() {
    return queue.bytes();
  }

  @Override
  void detach() {
    release();
    queue.drainTo(next);
  }

  @Override
  void release() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
