package io.parley.client;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;

/**
 * An immutable, thread-safe report that the server rejected the client's token (missing, invalid or
 * expired). The client does not retry with the same token.
 */
public class AuthenticationException extends ParleyException {
  private final ErrorCode code;
  private final Transport transport;

  /**
   * @param code the server's code, normally of category {@code AUTHENTICATION}; {@code null} when
   *     the server only answered with an HTTP status
   * @param transport the transport that was rejected, or {@code null} (HTTP publisher)
   */
  public AuthenticationException(String message, ErrorCode code, Transport transport) {
    super(message);
    this.code = code;
    this.transport = transport;
  }

  /** The server's error code, or {@code null}. */
  public ErrorCode code() {
    return code;
  }

  /** The transport that was rejected, or {@code null}. */
  public Transport transport() {
    return transport;
  }
}
