package io.parley.server.transport.engineio;

/**
 * An Engine.IO or Socket.IO packet that does not parse; the connection that sent it is closed, as
 * the reference server does. Immutable and thread-safe.
 */
public final class MalformedPacketException extends RuntimeException {
  public MalformedPacketException(String message) {
    super(message);
  }

  public MalformedPacketException(String message, Throwable cause) {
    super(message, cause);
  }
}
