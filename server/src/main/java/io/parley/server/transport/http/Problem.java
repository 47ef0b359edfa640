package io.parley.server.transport.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.codec.FrameDecodeException;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * An RFC 9457 problem body ({@code application/problem+json}) with Parley's extension members
 * {@code code}, {@code category}, {@code retryable} and {@code field}. Immutable and thread-safe.
 *
 * @param status the HTTP status
 * @param code the Parley error code, which also names the problem type
 * @param detail a sentence for people: which field, what was expected
 * @param field the offending field as a path such as {@code subscriptions.jobs:1.seq}, or null
 */
public record Problem(int status, ErrorCode code, String detail, String field) {
  private static final JsonFactory JSON = new JsonFactory();

  /** The answer to a request whose body was rejected: 413 when too large, otherwise 400. */
  static Problem of(FrameDecodeException rejection) {
    int status = rejection.code() == ErrorCode.FRAME_TOO_LARGE ? 413 : 400;
    return new Problem(status, rejection.code(), rejection.getMessage(), rejection.field());
  }

  /** The problem type URI of a code: a URN, since Parley has no problem pages to link. */
  static String typeOf(ErrorCode code) {
    return "urn:parley:problem:" + code.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  String toJson() {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("type", typeOf(code));
      json.writeStringField("title", title(code));
      json.writeNumberField("status", status);
      json.writeStringField("detail", detail);
      json.writeStringField("code", code.name());
      json.writeStringField("category", code.category().wireName());
      json.writeBooleanField("retryable", code.retryable());
      if (field != null) {
        json.writeStringField("field", field);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Sends this problem as the response, unless one was already sent. */
  public void send(RoutingContext context) {
    if (context.response().ended() || context.response().closed()) {
      return;
    }
    context
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/problem+json")
        .end(toJson());
  }

  private static String title(ErrorCode code) {
    String words = code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }
}
