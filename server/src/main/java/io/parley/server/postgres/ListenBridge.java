package io.parley.server.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.protocol.Limits;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameDecodeException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Publishes {@code NOTIFY} payloads as they arrive: {@code {"channel": ..., "event": ..., "data":
 * ...}}, {@code data} optional. At most once: a notification sent while no node listens is gone,
 * and one sent by a transaction is delivered only if it commits (PostgreSQL's rule), whatever that
 * transaction meant. A payload that is not such an object is logged at ERROR, naming the PostgreSQL
 * channel and the offending field, and nothing is published. Thread-safe and non-blocking: called
 * on the listening connection's event loop.
 */
final class ListenBridge {
  private static final System.Logger LOG = System.getLogger(ListenBridge.class.getName());

  /** Payload characters quoted in an error log; PostgreSQL allows up to 8000 bytes. */
  private static final int QUOTED_CHARS = 200;

  private final EventPublisher publisher;
  private final ObjectMapper json;
  private final Supplier<String> ids;

  /**
   * @param ids makes a fresh idempotency id per notification (a notification is never retried)
   */
  ListenBridge(EventPublisher publisher, ObjectMapper json, Supplier<String> ids) {
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.json = Objects.requireNonNull(json, "json");
    this.ids = Objects.requireNonNull(ids, "ids");
  }

  /** Publishes one notification's payload, or logs why not. */
  void onNotification(String pgChannel, String payload) {
    String channel;
    String event;
    JsonNode data;
    try {
      JsonNode body = json.readTree(payload == null ? "" : payload);
      if (body == null || !body.isObject()) {
        invalid(pgChannel, payload, "not a JSON object");
        return;
      }
      FieldReader fields = FieldReader.of(body);
      channel = fields.channel("channel");
      event = fields.requiredString("event", Limits.MAX_EVENT_LENGTH);
      data = fields.anyValue("data");
    } catch (JsonProcessingException e) {
      invalid(pgChannel, payload, "not JSON: " + e.getOriginalMessage());
      return;
    } catch (FrameDecodeException e) {
      invalid(pgChannel, payload, e.getMessage());
      return;
    }
    publisher
        .publish(channel, event, data, ids.get())
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                LOG.log(
                    System.Logger.Level.ERROR,
                    "NOTIFY on "
                        + pgChannel
                        + " not published to "
                        + channel
                        + ": "
                        + failure.getMessage());
              }
            });
  }

  private static void invalid(String pgChannel, String payload, String why) {
    String quoted =
        payload == null || payload.length() <= QUOTED_CHARS
            ? payload
            : payload.substring(0, QUOTED_CHARS) + "...";
    LOG.log(
        System.Logger.Level.ERROR,
        "NOTIFY on "
            + pgChannel
            + " ignored, nothing published: "
            + why
            + "; expected {\"channel\": string, \"event\": string, \"data\": any}, got: "
            + quoted);
  }
}
