package io.parley.server.transport.socketio;

/**
 * An Engine.IO or Socket.IO packet that does not parse; the connection that sent it is closed, as
 * the reference server does. Immutable and thread-safe.
 */
final class MalformedPacketException extends RuntimeException {
  MalformedPacketException(String message) {
    super(message);
  }

  MalformedPacketException(String message, Throwable cause) {
    super(message, cause);
  }
}
