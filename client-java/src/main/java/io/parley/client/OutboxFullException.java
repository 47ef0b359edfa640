package io.parley.client;

/**
 * An immutable, thread-safe report that a publish was refused at once because the outbox already
 * holds {@link #capacity()} unacknowledged publishes. Nothing was queued; try again once
 * acknowledgments have drained the outbox. Immutable and thread-safe.
 */
public class OutboxFullException extends ParleyException {
  private final int capacity;

  public OutboxFullException(int capacity) {
    super("outbox is full: " + capacity + " publishes are waiting for acknowledgment");
    this.capacity = capacity;
  }

  /** The outbox capacity, in publishes. */
  public int capacity() {
    return capacity;
  }
}
