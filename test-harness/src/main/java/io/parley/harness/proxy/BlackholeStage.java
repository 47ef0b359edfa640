package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import java.nio.ByteBuffer;

/**
 * Holds everything; the link's limit stops reading from the source once enough is held, so the
 * sender feels TCP backpressure. Detaching forwards what was held, in order.
 */
final class BlackholeStage extends Stage {

  private final ChunkQueue queue = new ChunkQueue();

  BlackholeStage(FaultRule rule, Link link) {
    super(rule, link);
  }

  @Override
  public void accept(ByteBuffer data) {
    queue.add(data);
  }

  @Override
  public void end() {
    queue.markEnded();
  }

  @Override
  long held() {
    return queue.bytes();
  }

  @Override
  void detach() {
    queue.drainTo(next);
  }
}
