/**
 * The faults a {@link io.parley.harness.proxy.FaultProxy} can inject, as immutable records with
 * their parameters and units: times are {@link java.time.Duration}s, rates are bytes per second,
 * sizes are bytes. A {@link io.parley.harness.fault.FaultRule} names a fault and says which way it
 * acts ({@link io.parley.harness.fault.Direction}) and how likely it is to hit a connection
 * (toxicity). Everything here is immutable and thread-safe. {@code docs/faults.md} is the
 * reference.
 */
package io.parley.harness.fault;
