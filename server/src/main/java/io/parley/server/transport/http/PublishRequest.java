package io.parley.server.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.Limits;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameDecodeException;

/**
 * A validated {@code POST /realtime/publish} body. Immutable and thread-safe.
 *
 * @param channel the channel to publish to
 * @param event the event name
 * @param data the payload; JSON null when absent
 * @param id the publish id for idempotence, or null to have the server pick one
 * @param clientId the publisher's id, or null for anonymous
 */
record PublishRequest(String channel, String event, JsonNode data, String id, String clientId) {

  /**
   * Reads and validates a body.
   *
   * @throws FrameDecodeException naming the offending field
   */
  static PublishRequest read(JsonNode body) {
    FieldReader fields = FieldReader.of(body);
    String channel = fields.channel("channel");
    String event = fields.requiredString("event", Limits.MAX_EVENT_LENGTH);
    JsonNode data = fields.anyValue("data");
    String id = fields.optionalString("id", Limits.MAX_ID_LENGTH);
    String clientId = fields.optionalString("clientId", Limits.MAX_ID_LENGTH);
    return new PublishRequest(channel, event, data, id, clientId);
  }
}
