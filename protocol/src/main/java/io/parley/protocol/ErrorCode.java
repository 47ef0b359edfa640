package io.parley.protocol;

/**
 * Every error a Parley server or client can report, each with its category and whether retrying the
 * same request later can succeed. The wire name is the constant's name. Immutable and thread-safe.
 */
public enum ErrorCode {
  /** The frame or body is not valid JSON, or not a JSON object. */
  BAD_JSON(ErrorCategory.PROTOCOL, false),
  /** The frame's {@code type} is not one this peer accepts. */
  UNKNOWN_TYPE(ErrorCategory.PROTOCOL, false),
  /** A required field is absent or null. */
  MISSING_FIELD(ErrorCategory.PROTOCOL, false),
  /** A field has the wrong JSON type or a value outside its range. */
  INVALID_FIELD(ErrorCategory.PROTOCOL, false),
  /** A channel name does not match {@code [A-Za-z0-9:_\-.]{1,200}}. */
  INVALID_CHANNEL(ErrorCategory.PROTOCOL, false),
  /** The frame or body is larger than the configured maximum. */
  FRAME_TOO_LARGE(ErrorCategory.PROTOCOL, false),
  /** A frame other than {@code hello} arrived before {@code hello}. */
  HELLO_REQUIRED(ErrorCategory.PROTOCOL, false),
  /** A second {@code hello} arrived on a connection that already has a session. */
  ALREADY_GREETED(ErrorCategory.PROTOCOL, false),
  /** The connection is already subscribed to the channel. */
  ALREADY_SUBSCRIBED(ErrorCategory.APPLICATION, false),
  /** The connection is not subscribed to the channel. */
  NOT_SUBSCRIBED(ErrorCategory.APPLICATION, false),
  /** A {@code since} position is ahead of the channel's current position in the same epoch. */
  POSITION_AHEAD(ErrorCategory.APPLICATION, false),
  /** The channel is reserved for the server ({@code session:*}) and cannot be published to. */
  CHANNEL_RESERVED(ErrorCategory.APPLICATION, false),
  /** The subscriber fell behind its bounded outbound queue; resume from the last position. */
  SLOW_CONSUMER(ErrorCategory.CONNECTION, true),
  /** The connection sent nothing within the heartbeat timeout. */
  HEARTBEAT_TIMEOUT(ErrorCategory.CONNECTION, true),
  /** The server is shutting down or overloaded; reconnect after the hinted delay. */
  SERVER_UNAVAILABLE(ErrorCategory.CONNECTION, true),
  /** No token was presented where one is required. */
  TOKEN_MISSING(ErrorCategory.AUTHENTICATION, false),
  /** The token is not a compact JWT (three base64url parts) or its parts are not valid JSON. */
  TOKEN_MALFORMED(ErrorCategory.AUTHENTICATION, false),
  /** The token's signature does not verify with the server's key, or its algorithm is refused. */
  TOKEN_SIGNATURE_INVALID(ErrorCategory.AUTHENTICATION, false),
  /** The token's {@code iss} is not the issuer the server trusts. */
  TOKEN_ISSUER_INVALID(ErrorCategory.AUTHENTICATION, false),
  /** The token's {@code aud} does not include the audience the server requires. */
  TOKEN_AUDIENCE_INVALID(ErrorCategory.AUTHENTICATION, false),
  /** The token has expired. */
  TOKEN_EXPIRED(ErrorCategory.AUTHENTICATION, false),
  /**
   * The token is well-formed and signed but otherwise unacceptable (a required claim is missing, or
   * a refresh names another subject).
   */
  TOKEN_INVALID(ErrorCategory.AUTHENTICATION, false),
  /**
   * The connection's token has expired: send a fresh one in-band ({@code auth {token}}) within the
   * grace period the message names, or the connection is closed with {@link #TOKEN_EXPIRED}.
   */
  TOKEN_REFRESH_REQUIRED(ErrorCategory.AUTHENTICATION, true),
  /** The token does not grant the requested channel or operation. */
  FORBIDDEN(ErrorCategory.APPLICATION, false),
  /** Too many requests; retry after the hinted delay. */
  RATE_LIMITED(ErrorCategory.APPLICATION, true),
  /** The connection already has the most subscriptions the server allows. */
  TOO_MANY_SUBSCRIPTIONS(ErrorCategory.APPLICATION, false),
  /** The token's subject already has the most connections the server allows. */
  TOO_MANY_CONNECTIONS(ErrorCategory.CONNECTION, true),
  /**
   * This transport is turned off on this server ({@code realtime.transports.*}); the client should
   * use another one rather than retry this one.
   */
  TRANSPORT_DISABLED(ErrorCategory.CONNECTION, false),
  /**
   * An operator disconnected the connection (admin API) and lets the client come back: it
   * reconnects after its usual backoff. The message is the operator's reason.
   */
  DISCONNECTED_BY_ADMIN(ErrorCategory.CONNECTION, true),
  /**
   * An operator disconnected the connection (admin API) and asked the client not to come back: the
   * client stops for good ({@code FAILED}) with the operator's reason, which is the message.
   */
  DISCONNECTED_NO_RECONNECT(ErrorCategory.CONNECTION, false),
  /** The server failed unexpectedly; the request may be retried. */
  INTERNAL(ErrorCategory.CONNECTION, true);

  private final ErrorCategory category;
  private final boolean retryable;

  ErrorCode(ErrorCategory category, boolean retryable) {
    this.category = category;
    this.retryable = retryable;
  }

  /** The category this code belongs to. */
  public ErrorCategory category() {
    return category;
  }

  /** Whether the same request may succeed when retried later. */
  public boolean retryable() {
    return retryable;
  }

  /** Returns the code with this wire name, or {@code null} when there is none. */
  public static ErrorCode fromWireName(String wireName) {
    for (ErrorCode code : values()) {
      if (code.name().equals(wireName)) {
        return code;
      }
    }
    return null;
  }
}
