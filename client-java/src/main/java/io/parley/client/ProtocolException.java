package io.parley.client;

import io.parley.protocol.ErrorCode;

/**
 * An immutable, thread-safe report that the server sent something this client cannot read: bad
 * JSON, a missing or mistyped field, a frame of the wrong kind. The connection it came on is
 * dropped and re-established. Immutable and thread-safe.
 */
public class ProtocolException extends ParleyException {
  private final ErrorCode code;
  private final String field;

  /**
   * @param code what was wrong
   * @param field the offending field, or {@code null}
   */
  public ProtocolException(String message, ErrorCode code, String field) {
    super(message);
    this.code = code;
    this.field = field;
  }

  /** What was wrong. */
  public ErrorCode code() {
    return code;
  }

  /** The offending field, or {@code null}. */
  public String field() {
    return field;
  }
}
