package io.parley.client.internal.transport;

import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyException;
import io.parley.client.ProtocolException;
import io.parley.client.PublishRejectedException;
import io.parley.client.SubscriptionRejectedException;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import java.time.Duration;

/**
 * Stateless and thread-safe: the one classification of a server's error into the public exception
 * type, used by every transport and the supervisor. A server error arrives either as an {@code
 * error} frame (WebSocket, Socket.IO) or as an HTTP problem (polls, publishes, refused upgrades); a
 * problem is first read as the frame a native connection would have sent ({@link #toFrame}), so
 * both follow the same rules:
 *
 * <ul>
 *   <li>category {@code AUTHENTICATION}: {@link AuthenticationException} with the code;
 *   <li>category {@code PROTOCOL}: {@link ProtocolException} with the code and the field;
 *   <li>otherwise: {@link ConnectionException} with the code (and the server's {@code Retry-After},
 *       when it sent one).
 * </ul>
 *
 * <p>An error about one request instead ends that request: {@link #publishRejected} and {@link
 * #subscriptionRejected}.
 */
public final class ServerErrors {

  private ServerErrors() {}

  /** The exception an error frame ends a connection with, by the error's category. */
  public static ParleyException toException(ServerFrame.Error error, Transport transport) {
    return toException(
        error,
        transport,
        error.retryAfterMs() > 0 ? Duration.ofMillis(error.retryAfterMs()) : null);
  }

  /**
   * The exception an error ends a connection with, by the error's category.
   *
   * @param transport the transport it came on, or {@code null} when not tied to one
   * @param retryAfter how long the server asked the client to wait, or {@code null}; carried by a
   *     {@link ConnectionException} only
   */
  public static ParleyException toException(
      ServerFrame.Error error, Transport transport, Duration retryAfter) {
    String message = error.code() + ": " + error.message();
    return switch (error.category()) {
      case AUTHENTICATION -> new AuthenticationException(message, error.code(), transport);
      case PROTOCOL -> new ProtocolException(message, error.code(), error.field());
      default -> new ConnectionException(message, transport, error.code(), null, retryAfter);
    };
  }

  /**
   * The exception an HTTP refusal of a connection's own request (a poll, a WebSocket upgrade) ends
   * the connection with: the same rules as for the frame of {@link #toFrame}.
   *
   * @param retryAfter the response's {@code Retry-After}, or {@code null}
   */
  public static ParleyException toException(
      ProblemDetails problem, Transport transport, Duration retryAfter) {
    return toException(toFrame(problem, null), transport, retryAfter);
  }

  /**
   * An HTTP problem as the error frame a native connection would have sent for request {@code id}:
   * the problem's code (or the closest one for the status), its category ({@code AUTHENTICATION}
   * for any 401, then with {@code TOKEN_INVALID} unless the code says more), whether it is
   * retryable, its description and its field.
   *
   * @param id the request it answers, or {@code null}
   */
  public static ServerFrame.Error toFrame(ProblemDetails problem, String id) {
    ErrorCode code = problem.effectiveCode();
    ErrorCategory category = problem.category();
    if (category == ErrorCategory.AUTHENTICATION && code.category() != category) {
      code = ErrorCode.TOKEN_INVALID;
    }
    return new ServerFrame.Error(
        id, code, category, problem.describe(), problem.retryable(), problem.field());
  }

  /**
   * An HTTP publish refused with {@code problem}, as the public publisher reports it: {@link
   * AuthenticationException} when the token was refused, else {@link PublishRejectedException} with
   * the HTTP status. Both carry the server's own code, {@code null} when it sent none.
   *
   * @param publishId the publish's idempotency id, or {@code null}
   */
  public static ParleyException publishRefused(
      ProblemDetails problem, String channel, String publishId) {
    String message = "publish to " + channel + " refused: " + problem.describe();
    if (problem.category() == ErrorCategory.AUTHENTICATION) {
      return new AuthenticationException(message, problem.code(), null);
    }
    return new PublishRejectedException(
        message,
        channel,
        publishId,
        problem.code(),
        problem.field(),
        problem.status(),
        problem.retryable());
  }

  /** A publish refused by an error frame for its id; no HTTP status (0). */
  public static PublishRejectedException publishRejected(
      ServerFrame.Error error, String channel, String publishId) {
    return new PublishRejectedException(
        error.message(), channel, publishId, error.code(), error.field(), 0, error.retryable());
  }

  /** A subscription refused for good by an error frame for its request. */
  public static SubscriptionRejectedException subscriptionRejected(
      ServerFrame.Error error, String channel) {
    return new SubscriptionRejectedException(
        "the server refused the subscription to " + channel + ": " + error.message(),
        channel,
        error.code(),
        error.field());
  }
}
