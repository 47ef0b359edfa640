package io.parley.client;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;

/**
 * An immutable, thread-safe report that a connection attempt failed or an open connection was lost:
 * refused, timed out, closed by the server, silent past the heartbeat deadline.
 */
public class ConnectionException extends ParleyException {
  private final Transport transport;
  private final ErrorCode code;

  /**
   * @param transport the transport it happened on, or {@code null} when not tied to one
   * @param code the server's error code when it sent one, otherwise {@code null}
   */
  public ConnectionException(String message, Transport transport, ErrorCode code, Throwable cause) {
    super(message, cause);
    this.transport = transport;
    this.code = code;
  }

  /** The transport it happened on, or {@code null}. */
  public Transport transport() {
    return transport;
  }

  /** The server's error code (such as {@code SLOW_CONSUMER}), or {@code null}. */
  public ErrorCode code() {
    return code;
  }
}
