package io.parley.server.transport.engineio;

/**
 * The reference server's handshake and request errors, answered as HTTP 400 with {@code
 * {"code":N,"message":"..."}}. Immutable and thread-safe.
 */
public enum EngineError {
  UNKNOWN_TRANSPORT(0, "Transport unknown"),
  UNKNOWN_SID(1, "Session ID unknown"),
  BAD_HANDSHAKE_METHOD(2, "Bad handshake method"),
  BAD_REQUEST(3, "Bad request"),
  FORBIDDEN(4, "Forbidden"),
  UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version");

  private final int code;
  private final String message;

  EngineError(int code, String message) {
    this.code = code;
    this.message = message;
  }

  int code() {
    return code;
  }

  String message() {
    return message;
  }

  /** The HTTP status: 403 for {@link #FORBIDDEN}, otherwise 400. */
  int status() {
    return this == FORBIDDEN ? 403 : 400;
  }

  /** The JSON body, e.g. {@code {"code":1,"message":"Session ID unknown"}}. */
  public String json() {
    return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
  }
}
