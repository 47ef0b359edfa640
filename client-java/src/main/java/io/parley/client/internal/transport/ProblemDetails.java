package io.parley.client.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import java.io.IOException;

/**
 * An immutable, thread-safe HTTP error body, {@code application/problem+json} (RFC 9457) with
 * Parley's {@code code} and {@code field} extensions. Read leniently: a body that is not a problem
 * still yields the status and a snippet. {@link ServerErrors} turns it into a frame or an
 * exception.
 *
 * @param type the problem type URI, or {@code null}
 * @param title a short summary, or {@code null}
 * @param status the HTTP status
 * @param detail the explanation for this occurrence, or {@code null}
 * @param field the offending request field, or {@code null}
 * @param code Parley's error code, or {@code null} when absent or unknown
 */
public record ProblemDetails(
    String type, String title, int status, String detail, String field, ErrorCode code) {
  private static final int SNIPPET = 200;

  /** Reads {@code body} of a response with {@code status}. */
  public static ProblemDetails parse(ObjectMapper mapper, int status, String body) {
    JsonNode node = null;
    if (body != null && !body.isBlank()) {
      try {
        node = mapper.readTree(body);
      } catch (IOException e) {
        node = null;
      }
    }
    if (node == null || !node.isObject()) {
      String snippet = body == null ? "" : body.strip();
      if (snippet.length() > SNIPPET) {
        snippet = snippet.substring(0, SNIPPET) + "...";
      }
      return new ProblemDetails(null, snippet.isEmpty() ? null : snippet, status, null, null, null);
    }
    return new ProblemDetails(
        text(node, "type"),
        text(node, "title"),
        status,
        text(node, "detail"),
        text(node, "field"),
        ErrorCode.fromWireName(text(node, "code")));
  }

  /** The best sentence for people: detail, else title, else the status. */
  public String describe() {
    String text = detail != null ? detail : title;
    return "HTTP " + status + (text == null ? "" : ": " + text);
  }

  /** The code, or the closest one for the status when the server sent none. */
  public ErrorCode effectiveCode() {
    if (code != null) {
      return code;
    }
    return switch (status) {
      case 400, 422 -> ErrorCode.INVALID_FIELD;
      case 401 -> ErrorCode.TOKEN_INVALID;
      case 403 -> ErrorCode.FORBIDDEN;
      case 413 -> ErrorCode.FRAME_TOO_LARGE;
      case 429 -> ErrorCode.RATE_LIMITED;
      case 503 -> ErrorCode.SERVER_UNAVAILABLE;
      // Any other refusal of the request itself (404, 405, ...): the server does not take this
      // request at all, a protocol mismatch; timeouts and server failures may pass.
      default ->
          status >= 400 && status < 500 && status != 408
              ? ErrorCode.UNKNOWN_TYPE
              : ErrorCode.INTERNAL;
    };
  }

  /** Whether the same request may succeed later. */
  public boolean retryable() {
    if (code != null) {
      return code.retryable();
    }
    return status >= 500 || status == 429 || status == 408;
  }

  /** How to react: {@code AUTHENTICATION} for any refused credentials, else the code's category. */
  public ErrorCategory category() {
    boolean refusedToken =
        status == 401 || (code != null && code.category() == ErrorCategory.AUTHENTICATION);
    return refusedToken ? ErrorCategory.AUTHENTICATION : effectiveCode().category();
  }

  private static String text(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value != null && value.isTextual() ? value.textValue() : null;
  }
}
