package io.parley.server.transport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.parley.protocol.ErrorCode;
import io.parley.server.hub.Refusal;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * A {@link Refusal} as an RFC 9457 problem answer ({@code application/problem+json}) with Parley's
 * extension members {@code code}, {@code category}, {@code retryable} and {@code field}, and a
 * {@code Retry-After} header when the refusal has a retry hint. What every HTTP answer that says no
 * is written with: the HTTP transport's, the {@code /ws} endpoint's to a plain GET, the admission
 * filter's. Stateless and thread-safe; {@link #send} runs on the request's event loop.
 */
public final class ProblemDetails {
  private static final JsonFactory JSON = new JsonFactory();

  private ProblemDetails() {}

  /** Sends {@code refusal} with {@code status} as the response, unless one was already sent. */
  public static void send(RoutingContext context, int status, Refusal refusal) {
    if (context.response().ended() || context.response().closed()) {
      return;
    }
    if (refusal.hasRetryAfter()) {
      context.response().putHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()));
    }
    HttpCompression.end(
        context
            .response()
            .setStatusCode(status)
            .putHeader("Content-Type", "application/problem+json"),
        json(status, refusal));
  }

  /** The problem body of {@code refusal} answered with {@code status}. */
  public static String json(int status, Refusal refusal) {
    ErrorCode code = refusal.code();
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("type", typeOf(code));
      json.writeStringField("title", title(code));
      json.writeNumberField("status", status);
      json.writeStringField("detail", refusal.message());
      json.writeStringField("code", code.name());
      json.writeStringField("category", code.category().wireName());
      json.writeBooleanField("retryable", code.retryable());
      if (refusal.field() != null) {
        json.writeStringField("field", refusal.field());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The problem type URI of a code: a URN, since Parley has no problem pages to link. */
  static String typeOf(ErrorCode code) {
    return "urn:parley:problem:" + code.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String title(ErrorCode code) {
    String words = code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }
}
