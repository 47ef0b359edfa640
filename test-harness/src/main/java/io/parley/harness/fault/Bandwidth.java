package io.parley.harness.fault;

/**
 * Immutable and thread-safe: caps throughput in one direction at {@code bytesPerSecond}.
 *
 * <p>Data goes out in pieces of about 50 ms worth of the rate (at least 1 byte, at most 64 KiB),
 * each piece followed by the pause that keeps the average at the rate. Toxiproxy's {@code
 * bandwidth} toxic counts in KB/s; this one counts in bytes per second, so slow links such as 2G
 * (about 6,000 bytes per second) are expressible exactly.
 *
 * @param bytesPerSecond the largest average rate, at least 1
 */
public record Bandwidth(long bytesPerSecond) implements Fault {

  /**
   * @throws IllegalArgumentException when {@code bytesPerSecond < 1}
   */
  public Bandwidth {
    Checks.positive(bytesPerSecond, "bytesPerSecond");
  }

  @Override
  public FaultType type() {
    return FaultType.BANDWIDTH;
  }
}
