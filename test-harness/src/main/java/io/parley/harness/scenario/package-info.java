/**
 * Scenarios: a server (or several nodes on a Redis of the runner's own, behind a {@link
 * io.parley.harness.scenario.NodeBalancer}), a {@link io.parley.harness.proxy.FaultProxy} in front
 * of it, Parley clients and publishers, a timeline of faults and waits, and the invariants checked
 * at the end (nothing lost, nothing twice, in order, every gap signalled) with the time each client
 * took to detect a failure, reach a working transport and climb back. {@link
 * io.parley.harness.scenario.ScenarioFile} reads a YAML or JSON file, {@link
 * io.parley.harness.scenario.ScenarioRunner} runs it, {@link
 * io.parley.harness.scenario.ScenarioReport} is the result and {@link
 * io.parley.harness.scenario.Scorecard} the markdown table of several results.
 */
package io.parley.harness.scenario;
