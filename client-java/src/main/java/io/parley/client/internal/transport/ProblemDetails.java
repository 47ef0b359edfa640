package io.parley.client.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.client.AuthenticationException;
import io.parley.client.ParleyException;
import io.parley.client.PublishRejectedException;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.io.IOException;

/**
 * An immutable, thread-safe HTTP error body, {@code application/problem+json} (RFC 9457) with
 * Parley's {@code code} and {@code field} extensions. Read leniently: a body that is not a problem
 * still yields the status and a snippet. Immutable and thread-safe.
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
      default -> ErrorCode.INTERNAL;
    };
  }

  /** Whether the same request may succeed later. */
  public boolean retryable() {
    if (code != null) {
      return code.retryable();
    }
    return status >= 500 || status == 429 || status == 408;
  }

  /** Whether the server refused the credentials. */
  public boolean isAuthentication() {
    return status == 401 || (code != null && code.category() == ErrorCategory.AUTHENTICATION);
  }

  /** This problem as the error frame a native connection would have sent for request {@code id}. */
  public ServerFrame.Error toErrorFrame(String id) {
    ErrorCode effective = effectiveCode();
    return new ServerFrame.Error(
        id, effective, effective.category(), describe(), retryable(), field);
  }

  /** This problem as the exception of a failed HTTP publish. */
  public ParleyException toPublishException(String channel, String publishId) {
    if (isAuthentication()) {
      return new AuthenticationException(
          "publish to " + channel + " refused: " + describe(), code, null);
    }
    return new PublishRejectedException(
        "publish to " + channel + " refused: " + describe(),
        channel,
        publishId,
        code,
        field,
        status,
        retryable());
  }

  private static String text(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value != null && value.isTextual() ? value.textValue() : null;
  }
}
