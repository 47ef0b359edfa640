package io.parley.harness.proxy;

import io.parley.harness.fault.Bandwidth;
import io.parley.harness.fault.FaultRule;
import java.nio.ByteBuffer;

/**
 * Forwards pieces of about 50 ms worth of the rate, each followed by a pause of {@code piece /
 * rate}. Detaching forwards the rest at once.
 */
final class BandwidthStage extends PacedStage {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final int MAX_PIECE_BYTES = 64 * 1024;

  private final long bytesPerSecond;
  private final int pieceBytes;
  private long nextSendAt = System.nanoTime();

  BandwidthStage(FaultRule rule, Link link, Bandwidth bandwidth) {
    super(rule, link);
    this.bytesPerSecond = bandwidth.bytesPerSecond();
    this.pieceBytes = (int) Math.max(1, Math.min(MAX_PIECE_BYTES, bytesPerSecond / 20));
  }

  @Override
  protected void pump() {
    if (timer != null) {
      return;
    }
    long now = System.nanoTime();
    while (!queue.isEmpty()) {
      if (nextSendAt - now > 0) {
        timer = link.connection.schedule(nextSendAt - now, this::resume);
        return;
      }
      ByteBuffer piece = queue.take(pieceBytes);
      int length = piece.remaining();
      nextSendAt = now + length * NANOS_PER_SECOND / bytesPerSecond;
      next.accept(piece);
    }
    if (queue.endReached()) {
      queue.drainTo(next);
    }
  }
}
