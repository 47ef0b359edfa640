package io.parley.harness.fault;

/**
 * Immutable and thread-safe: resets the connection (TCP RST: {@code SO_LINGER} 0, then close) on
 * both sides, at once or after {@code afterBytes} bytes have passed in the rule's direction.
 *
 * <p>With {@code afterBytes == 0} every live connection is reset when the rule is added, and every
 * new connection as soon as it is accepted. Otherwise the count starts when the fault attaches to
 * the connection (when added, for live ones); exactly {@code afterBytes} bytes are forwarded, the
 * rest is dropped, and the reset follows once the forwarded bytes have been handed to the
 * destination socket. Toxiproxy's {@code reset_peer} waits for a time; counting bytes instead makes
 * "reset in the middle of a frame" reproducible.
 *
 * @param afterBytes how many bytes to let through first; 0 resets at once
 */
public record ResetPeer(long afterBytes) implements Fault {

  /**
   * @throws IllegalArgumentException when {@code afterBytes} is negative
   */
  public ResetPeer {
    Checks.nonNegative(afterBytes, "afterBytes");
  }

  /** Resets at once. */
  public static ResetPeer now() {
    return new ResetPeer(0);
  }

  @Override
  public FaultType type() {
    return FaultType.RESET_PEER;
  }
}
