package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import java.nio.ByteBuffer;

/**
 * A stage that queues what it receives and forwards it in pieces on its own timer ({@link
 * BandwidthStage}, {@link SlicerStage}); subclasses decide the pieces and pauses in {@link #pump}.
 * Detaching forwards the rest at once. Confined to the proxy's event loop.
 */
abstract class PacedStage extends Stage {
  /** What is waiting to be forwarded. */
  protected final ChunkQueue queue = new ChunkQueue();

  /** The pending pause, or null when none: {@link #pump} sends only while it is null. */
  protected EventLoop.Timer timer;

  PacedStage(FaultRule rule, Link link) {
    super(rule, link);
  }

  /** Forwards what may go now and schedules {@link #resume} for the rest. */
  protected abstract void pump();

  @Override
  public final void accept(ByteBuffer data) {
    queue.add(data);
    pump();
  }

  @Override
  public final void end() {
    queue.markEnded();
    pump();
  }

  /** The end of a pause: continue forwarding. */
  protected final void resume() {
    timer = null;
    pump();
  }

  @Override
  final long held() {
    return queue.bytes();
  }

  @Override
  final void detach() {
    release();
    queue.drainTo(next);
  }

  @Override
  final void release() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
