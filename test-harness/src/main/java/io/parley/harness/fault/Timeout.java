package io.parley.harness.fault;

import java.time.Duration;

/**
 * Immutable and thread-safe: stops all data in the rule's direction and closes the connection
 * {@code after} the fault attached to it; {@link Duration#ZERO} never closes.
 *
 * <p>Mirrors Toxiproxy's {@code timeout} toxic: data that arrives meanwhile is dropped (read and
 * discarded, so the sender is never blocked), the timer starts when the fault attaches to the
 * connection (when added, for live ones) and is not restarted by traffic, and the close is a normal
 * close (FIN), not a reset. Because dropped data leaves the byte stream corrupt, removing the fault
 * closes every connection it was attached to. Use {@link Blackhole} to stall without losing data.
 *
 * @param after how long until the connection is closed; zero means never
 */
public record Timeout(Duration after) implements Fault {

  /**
   * @throws IllegalArgumentException when {@code after} is negative
   */
  public Timeout {
    Checks.nonNegative(after, "after");
  }

  @Override
  public FaultType type() {
    return FaultType.TIMEOUT;
  }
}
