package io.parley.protocol;

/** Overall server health from the live self-test of each transport. Immutable and thread-safe. */
public enum HealthStatus {
  /** Every transport passes its self-test. */
  HEALTHY,
  /** At least one transport fails, but clients can still connect over another. */
  DEGRADED,
  /** No transport works. */
  CRITICAL
}
