package io.parley.server.transport.http;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.hub.Refusal;
import io.parley.server.transport.ProblemDetails;
import io.vertx.ext.web.RoutingContext;

/**
 * How the HTTP transport says no: a {@link Refusal} as an RFC 9457 problem ({@link ProblemDetails})
 * with the HTTP status its code calls for, {@code Retry-After} when it has a retry hint, and {@code
 * WWW-Authenticate} for a refused token. Immutable and thread-safe.
 *
 * @param status the HTTP status
 * @param refusal what was refused; its field is a path in the request, such as {@code
 *     subscriptions.jobs:1.seq}
 */
public record Problem(int status, Refusal refusal) {

  /**
   * The answer to a request whose body was rejected: 413 when too large, otherwise 400 whatever the
   * code (a {@code CHANNEL_RESERVED} in a poll body too: it is refused before the token is read).
   */
  public static Problem of(FrameDecodeException rejection) {
    int status = rejection.code() == ErrorCode.FRAME_TOO_LARGE ? 413 : 400;
    return new Problem(status, Refusal.ofUnreadable(rejection));
  }

  /** The answer to a refused request, with the status of its code. */
  public static Problem of(Refusal refusal) {
    return new Problem(statusOf(refusal.code()), refusal);
  }

  /** The HTTP status that says {@code code}. */
  static int statusOf(ErrorCode code) {
    return switch (code) {
      case BAD_JSON,
          UNKNOWN_TYPE,
          MISSING_FIELD,
          INVALID_FIELD,
          INVALID_CHANNEL,
          HELLO_REQUIRED,
          ALREADY_GREETED,
          POSITION_AHEAD ->
          400;
      case FRAME_TOO_LARGE -> 413;
      case ALREADY_SUBSCRIBED, NOT_SUBSCRIBED -> 409;
      case CHANNEL_RESERVED, FORBIDDEN -> 403;
      case TOKEN_MISSING,
          TOKEN_MALFORMED,
          TOKEN_SIGNATURE_INVALID,
          TOKEN_ISSUER_INVALID,
          TOKEN_AUDIENCE_INVALID,
          TOKEN_EXPIRED,
          TOKEN_INVALID,
          TOKEN_REFRESH_REQUIRED ->
          401;
      case RATE_LIMITED, TOO_MANY_SUBSCRIPTIONS, TOO_MANY_CONNECTIONS -> 429;
      case SLOW_CONSUMER, HEARTBEAT_TIMEOUT, SERVER_UNAVAILABLE, DISCONNECTED_BY_ADMIN -> 503;
      case DISCONNECTED_NO_RECONNECT -> 403;
      case TRANSPORT_DISABLED -> 404;
      case INTERNAL -> 500;
    };
  }

  String toJson() {
    return ProblemDetails.json(status, refusal);
  }

  /** Sends this problem as the response, unless one was already sent. */
  public void send(RoutingContext context) {
    if (context.response().ended() || context.response().closed()) {
      return;
    }
    if (status == 401) {
      context
          .response()
          .putHeader(
              "WWW-Authenticate",
              refusal.code() == ErrorCode.TOKEN_MISSING
                  ? "Bearer"
                  : "Bearer error=\"invalid_token\"");
    }
    ProblemDetails.send(context, status, refusal);
  }
}
