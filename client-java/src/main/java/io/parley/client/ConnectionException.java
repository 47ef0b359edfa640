package io.parley.client;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;
import java.time.Duration;
import java.util.Optional;

/**
 * An immutable, thread-safe report that a connection attempt failed or an open connection was lost:
 * refused, timed out, closed by the server, silent past the heartbeat deadline.
 */
public class ConnectionException extends ParleyException {
  private final Transport transport;
  private final ErrorCode code;
  private final Duration retryAfter;

  /**
   * @param transport the transport it happened on, or {@code null} when not tied to one
   * @param code the server's error code when it sent one, otherwise {@code null}
   */
  public ConnectionException(String message, Transport transport, ErrorCode code, Throwable cause) {
    this(message, transport, code, cause, null);
  }

  /**
   * @param transport the transport it happened on, or {@code null} when not tied to one
   * @param code the server's error code when it sent one, otherwise {@code null}
   * @param retryAfter how long the server asked the client to wait before trying again (an HTTP
   *     {@code Retry-After}), or {@code null}
   */
  public ConnectionException(
      String message, Transport transport, ErrorCode code, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.transport = transport;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** The transport it happened on, or {@code null}. */
  public Transport transport() {
    return transport;
  }

  /** The server's error code (such as {@code SLOW_CONSUMER}), or {@code null}. */
  public ErrorCode code() {
    return code;
  }

  /**
   * How long the server asked the client to wait before connecting again (an HTTP {@code
   * Retry-After} on a 503), when it said; the client's next attempt waits at least this long.
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
