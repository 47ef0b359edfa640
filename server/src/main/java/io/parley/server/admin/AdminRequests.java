package io.parley.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameDecodeException;
import java.time.Duration;

/**
 * The admin API's validated request bodies and query parameters. Each {@code read} names the field
 * at fault and what it expected. Stateless; the records are immutable.
 */
final class AdminRequests {
  /** Longest reason an operator may give; it is shown to the client. */
  static final int MAX_REASON_LENGTH = 500;

  /** Longest drain deadline a request may ask for. */
  static final long MAX_DEADLINE_MS = Duration.ofHours(1).toMillis();

  /** Most rows one listing returns. */
  static final int MAX_LIMIT = 10_000;

  private AdminRequests() {}

  /**
   * {@code POST disconnect}: exactly one of {@code user} (a token subject) and {@code session} (a
   * session id), the {@code reason} shown to the client, and whether it may come back.
   */
  record Disconnect(String user, String session, String reason, boolean mayReconnect) {
    static Disconnect read(JsonNode body) {
      FieldReader fields = FieldReader.of(body);
      String user = fields.optionalString("user", ChannelName.MAX_LENGTH);
      String session = fields.optionalString("session", Limits.MAX_ID_LENGTH);
      if ((user == null) == (session == null)) {
        throw new FrameDecodeException(
            user == null ? ErrorCode.MISSING_FIELD : ErrorCode.INVALID_FIELD,
            "user",
            null,
            "exactly one of user (a token subject) and session (a session id) is required, but "
                + (user == null ? "neither was given" : "both were given"));
      }
      String reason = fields.requiredString("reason", MAX_REASON_LENGTH);
      boolean mayReconnect = fields.requiredBoolean("mayReconnect");
      return new Disconnect(user, session, reason, mayReconnect);
    }
  }

  /** {@code POST broadcast}: the event name and its data (any JSON; null when absent). */
  record Broadcast(String event, JsonNode data) {
    static Broadcast read(JsonNode body) {
      FieldReader fields = FieldReader.of(body);
      return new Broadcast(
          fields.requiredString("event", Limits.MAX_EVENT_LENGTH), fields.anyValue("data"));
    }
  }

  /** {@code POST drain}: the deadline, or {@code null} for {@code realtime.drain.deadline}. */
  record Drain(Duration deadline) {
    /** An absent or empty body asks for the configured deadline. */
    static Drain read(JsonNode body) {
      if (body == null) {
        return new Drain(null);
      }
      long millis = FieldReader.of(body).optionalLong("deadlineMs", 1, MAX_DEADLINE_MS, -1);
      return new Drain(millis < 0 ? null : Duration.ofMillis(millis));
    }
  }

  /** {@code GET channels?prefix=&limit=}: a channel-name prefix (may be empty) and a row limit. */
  record Channels(String prefix, int limit) {
    static Channels read(String prefix, String limit) {
      String value = prefix == null ? "" : prefix;
      if (!value.isEmpty()) {
        String problem = ChannelName.problem(value).orElse(null);
        if (problem != null) {
          throw new FrameDecodeException(
              ErrorCode.INVALID_FIELD,
              "prefix",
              null,
              "prefix must be empty or the start of a channel name ("
                  + ChannelName.rule()
                  + ") but "
                  + problem);
        }
      }
      return new Channels(value, readLimit(limit, 100));
    }
  }

  /** {@code GET connections?user=&limit=}: a token subject or {@code null} for all, and a limit. */
  record Connections(String user, int limit) {
    static Connections read(String user, String limit) {
      if (user != null && (user.isEmpty() || user.length() > ChannelName.MAX_LENGTH)) {
        throw new FrameDecodeException(
            ErrorCode.INVALID_FIELD,
            "user",
            null,
            "user must be a token subject of 1 to "
                + ChannelName.MAX_LENGTH
                + " characters but got "
                + user.length());
      }
      return new Connections(user, readLimit(limit, 1_000));
    }
  }

  /** {@code GET events?after=&limit=}: the last id the reader has (0 for none) and a limit. */
  record Events(long after, int limit) {
    static Events read(String after, String limit) {
      long from = 0;
      if (after != null) {
        if (!after.matches("[0-9]{1,18}")) {
          throw new FrameDecodeException(
              ErrorCode.INVALID_FIELD,
              "after",
              null,
              "after must be the id of the last event you have, an integer of 0 or more (0 for"
                  + " none), but got '"
                  + after
                  + "'");
        }
        from = Long.parseLong(after);
      }
      return new Events(from, readLimit(limit, 1_000));
    }
  }

  /** The {@code limit} query parameter: an integer in {@code [1, MAX_LIMIT]}, or the fallback. */
  static int readLimit(String text, int fallback) {
    if (text == null) {
      return fallback;
    }
    if (text.matches("[0-9]{1,5}")) {
      int value = Integer.parseInt(text);
      if (value >= 1 && value <= MAX_LIMIT) {
        return value;
      }
    }
    throw new FrameDecodeException(
        ErrorCode.INVALID_FIELD,
        "limit",
        null,
        "limit must be an integer from 1 to " + MAX_LIMIT + " but got '" + text + "'");
  }
}
