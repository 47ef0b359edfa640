package io.parley.server.health;

/**
 * The last self-test of one transport. Immutable and thread-safe.
 *
 * @param state what the self-test found
 * @param latencyMs how long it took, connect to receipt (0 when disabled)
 * @param error why it failed, or {@code null}
 * @param checkedAtMillis when it ended, epoch milliseconds (0 when disabled)
 */
public record TransportResult(State state, long latencyMs, String error, long checkedAtMillis) {
  /** The outcome of one self-test. */
  public enum State {
    /** The probe connected, subscribed, published and received its message. */
    OK,
    /** It did not, within {@code realtime.health.timeout}. */
    FAILED,
    /** The transport is turned off in configuration; not tested. */
    DISABLED
  }

  static TransportResult disabled() {
    return new TransportResult(State.DISABLED, 0, null, 0);
  }

  /** Whether the transport passed. */
  public boolean ok() {
    return state == State.OK;
  }

  /**
   * Two self-tests of one transport as one result: the first failure wins (both errors are kept),
   * the longer latency and the later time are reported. A disabled result yields to the other.
   */
  TransportResult and(TransportResult other) {
    if (state == State.DISABLED) {
      return other;
    }
    if (other.state == State.DISABLED) {
      return this;
    }
    String errors =
        error == null ? other.error : other.error == null ? error : error + "; " + other.error;
    return new TransportResult(
        ok() && other.ok() ? State.OK : State.FAILED,
        Math.max(latencyMs, other.latencyMs),
        errors,
        Math.max(checkedAtMillis, other.checkedAtMillis));
  }
}
