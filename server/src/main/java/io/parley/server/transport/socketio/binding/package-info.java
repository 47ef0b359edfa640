/**
 * Parley's binding of Socket.IO: the routes at {@code /socket.io/}, the channel events ({@code
 * subscribe}, {@code publish}, ...) mapped onto the hub, the per-socket sink that delivers channel
 * messages, their encoding (once per message for every subscriber), the served JS client ({@code
 * ServedClient}), and the handlers of the conformance profile that the official protocol suites run
 * against.
 */
package io.parley.server.transport.socketio.binding;
