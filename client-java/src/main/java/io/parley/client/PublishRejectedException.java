package io.parley.client;

import io.parley.protocol.ErrorCode;

/**
 * An immutable, thread-safe report that the server refused a publish (for example {@code
 * FORBIDDEN}, {@code INVALID_CHANNEL}, {@code CHANNEL_RESERVED}). Unless {@link #retryable()},
 * retrying the same publish cannot succeed.
 */
public class PublishRejectedException extends ParleyException {
  private final String channel;
  private final String publishId;
  private final ErrorCode code;
  private final String field;
  private final int httpStatus;
  private final boolean retryable;

  /**
   * @param channel the channel of the publish
   * @param publishId its idempotency id, or {@code null} when none was sent
   * @param code the server's error code, or {@code null} when it sent none
   * @param field the offending field, or {@code null}
   * @param httpStatus the HTTP status when the publish went over HTTP, otherwise 0
   * @param retryable whether the same publish may succeed later
   */
  public PublishRejectedException(
      String message,
      String channel,
      String publishId,
      ErrorCode code,
      String field,
      int httpStatus,
      boolean retryable) {
    super(message);
    this.channel = channel;
    this.publishId = publishId;
    this.code = code;
    this.field = field;
    this.httpStatus = httpStatus;
    this.retryable = retryable;
  }

  /** The channel of the publish. */
  public String channel() {
    return channel;
  }

  /** The publish's idempotency id, or {@code null}. */
  public String publishId() {
    return publishId;
  }

  /** The server's error code, or {@code null}. */
  public ErrorCode code() {
    return code;
  }

  /** The offending field (such as {@code channel} or {@code data}), or {@code null}. */
  public String field() {
    return field;
  }

  /** The HTTP status when the publish went over HTTP, otherwise 0. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Whether publishing again with the same id may succeed later (e.g. {@code RATE_LIMITED}). */
  public boolean retryable() {
    return retryable;
  }
}
