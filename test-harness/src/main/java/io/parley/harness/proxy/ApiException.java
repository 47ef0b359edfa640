package io.parley.harness.proxy;

import java.util.List;

/**
 * A control API request that cannot be served, with the HTTP status and, for bad input, the field
 * at fault. Immutable and thread-safe.
 */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  final int status;
  final String field;

  /** For 405: the methods the resource allows, for the {@code Allow} header; else null. */
  final String allow;

  ApiException(int status, String field, String message) {
    this(status, field, message, null);
  }

  private ApiException(int status, String field, String message, String allow) {
    super(message);
    this.status = status;
    this.field = field;
    this.allow = allow;
  }

  static ApiException methodNotAllowed(String method, List<String> allowed) {
    return new ApiException(
        405,
        null,
        "method " + method + " not allowed here; expected " + String.join(" or ", allowed),
        String.join(", ", allowed));
  }

  static ApiException badInput(String field, String message) {
    return new ApiException(400, field, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, null, message);
  }

  static ApiException conflict(String field, String message) {
    return new ApiException(409, field, message);
  }
}
