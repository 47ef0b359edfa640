package io.parley.harness.fault;

/**
 * Immutable and thread-safe: an adverse action a {@link io.parley.harness.proxy.FaultProxy} takes
 * on the traffic it carries. Implementations are records; each validates its parameters when
 * constructed and throws {@link IllegalArgumentException} naming the parameter.
 *
 * <p>A fault only describes what to do. Which connections and which direction it applies to, and
 * under what name, is a {@link FaultRule}.
 */
public sealed interface Fault
    permits Latency,
        Bandwidth,
        Slicer,
        ResetPeer,
        Blackhole,
        RefuseConnections,
        Timeout,
        UpgradeFilter {

  /** The kind of fault, for the control API. */
  FaultType type();
}
