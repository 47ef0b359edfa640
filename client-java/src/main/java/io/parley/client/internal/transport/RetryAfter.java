package io.parley.client.internal.transport;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads an HTTP {@code Retry-After} header in its delay-seconds form (RFC 9110, section 10.2.3).
 * The HTTP-date form and anything unreadable are ignored: the client then just uses its backoff.
 * Stateless and thread-safe.
 */
final class RetryAfter {

  private RetryAfter() {}

  /** The delay {@code value} names, or {@code null} when it is absent or not whole seconds. */
  static Duration parse(String value) {
    if (value == null) {
      return null;
    }
    String seconds = value.strip();
    if (seconds.isEmpty()
        || seconds.length() > 9
        || !seconds.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Duration.ofSeconds(Long.parseLong(seconds));
  }

  /** The delay in {@code headers}, or {@code null}. */
  static Duration of(HttpHeaders headers) {
    return headers == null ? null : parse(headers.firstValue("Retry-After").orElse(null));
  }

  /** The delay in {@code headers} (names in any case, as OkHttp lowercases them), or null. */
  static Duration of(Map<String, List<String>> headers) {
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if ("Retry-After".equalsIgnoreCase(header.getKey())
          && header.getValue() != null
          && !header.getValue().isEmpty()) {
        return parse(header.getValue().get(0));
      }
    }
    return null;
  }
}
