/**
 * The Engine.IO layer (protocol v4): packets and their codec, sessions over HTTP long-polling and
 * WebSocket with the upgrade between them, heartbeats, and the server that hands out session ids.
 * It knows nothing of Socket.IO namespaces or of Parley's channels; the layer above listens to an
 * {@link io.parley.server.transport.engineio.EngineSocket} through its {@code Listener}.
 */
package io.parley.server.transport.engineio;
