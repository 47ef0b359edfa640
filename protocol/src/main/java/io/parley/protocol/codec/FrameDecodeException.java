package io.parley.protocol.codec;

import io.parley.protocol.ErrorCode;
import java.util.Objects;

/**
 * A frame or body that cannot be accepted, with the error code, the offending field and, when it
 * could be read, the request id to answer. Immutable and thread-safe.
 */
public final class FrameDecodeException extends RuntimeException {
  private final ErrorCode code;
  private final String field;
  private final String requestId;

  public FrameDecodeException(ErrorCode code, String field, String requestId, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.code = Objects.requireNonNull(code, "code");
    this.field = field;
    this.requestId = requestId;
  }

  /** What was wrong. */
  public ErrorCode code() {
    return code;
  }

  /** The offending field, or {@code null} when the problem is the whole input. */
  public String field() {
    return field;
  }

  /** The request's {@code id} when it could be read, or {@code null}. */
  public String requestId() {
    return requestId;
  }
}
