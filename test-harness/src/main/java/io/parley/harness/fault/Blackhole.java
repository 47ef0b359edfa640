package io.parley.harness.fault;

/**
 * Immutable and thread-safe: keeps the connection open but forwards nothing in the rule's
 * direction, a half-open connection as behind a dead NAT entry.
 *
 * <p>Held data is not lost: the proxy holds up to its buffer limit and then stops reading from the
 * source, so TCP flow control pushes back on the sender. Removing the fault forwards what was held,
 * in order, and normal flow resumes. This differs from Toxiproxy's {@code timeout} toxic, which
 * drops the data (see {@link Timeout}).
 */
public record Blackhole() implements Fault {

  @Override
  public FaultType type() {
    return FaultType.BLACKHOLE;
  }
}
