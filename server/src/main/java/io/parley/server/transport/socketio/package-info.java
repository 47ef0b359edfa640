/**
 * The Socket.IO layer (protocol v5) on top of Engine.IO: packets and their codec (binary
 * attachments included), namespaces with their connect and event handlers, acknowledgements, and
 * one {@link io.parley.server.transport.socketio.NamespaceSocket} per client and namespace. It
 * knows nothing of Parley's channels; {@code socketio.binding} puts them on it.
 */
package io.parley.server.transport.socketio;
