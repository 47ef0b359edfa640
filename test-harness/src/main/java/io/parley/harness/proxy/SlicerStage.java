package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.Slicer;
import java.util.random.RandomGenerator;

/**
 * Forwards one segment, waits the slicer's delay, forwards the next. Segments are cut across read
 * boundaries. Detaching forwards the rest at once.
 */
final class SlicerStage extends PacedStage {

  private final Slicer slicer;
  private final RandomGenerator random;

  SlicerStage(FaultRule rule, Link link, Slicer slicer, RandomGenerator random) {
    super(rule, link);
    this.slicer = slicer;
    this.random = random;
  }

  @Override
  protected void pump() {
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
}
