/**
 * The client's implementation: not API, may change at any time. {@link
 * io.parley.client.internal.RealParleyClient} wires the parts; {@link
 * io.parley.client.internal.ConnectionSupervisor} is the one state machine, run on an {@link
 * io.parley.client.internal.EventLoop}, with its roles (rounds, token renewal, links, handover,
 * channel cursors, resends; see {@code docs/architecture.md}) on the same loop; handlers and
 * listeners run on the {@link io.parley.client.internal.Dispatcher}. Transports live in {@code
 * internal.transport}.
 */
package io.parley.client.internal;
