/**
 * The transports behind one interface, {@link io.parley.client.internal.transport.ClientTransport}:
 * each translates between its wire and the protocol's {@code ClientFrame}/{@code ServerFrame}
 * records, so one state machine drives them all. Not API.
 */
package io.parley.client.internal.transport;
