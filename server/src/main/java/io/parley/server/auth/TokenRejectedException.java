package io.parley.server.auth;

import io.parley.protocol.ErrorCode;

/** A token was refused; {@link #code()} says why (an {@code authentication} category code). */
public final class TokenRejectedException extends Exception {
  private final ErrorCode code;

  /** A refusal with its code and a message for the client. */
  public TokenRejectedException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** Why the token was refused. */
  public ErrorCode code() {
    return code;
  }
}
