package io.parley.client;

import io.parley.protocol.ErrorCode;

/**
 * An immutable, thread-safe report that the server refused a subscription for good (for example
 * {@code FORBIDDEN}).
 */
public class SubscriptionRejectedException extends ParleyException {
  private final String channel;
  private final ErrorCode code;
  private final String field;

  /**
   * @param channel the channel
   * @param code the server's error code
   * @param field the offending field, or {@code null}
   */
  public SubscriptionRejectedException(
      String message, String channel, ErrorCode code, String field) {
    super(message);
    this.channel = channel;
    this.code = code;
    this.field = field;
  }

  /** The channel. */
  public String channel() {
    return channel;
  }

  /** The server's error code. */
  public ErrorCode code() {
    return code;
  }

  /** The offending field, or {@code null}. */
  public String field() {
    return field;
  }
}
