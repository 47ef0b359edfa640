package io.parley.server.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.hub.ChannelRules;
import io.parley.server.hub.Refusal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated {@code POST /realtime/poll} body. Immutable and thread-safe.
 *
 * @param clientId the client's stable id
 * @param token a JWT, or null
 * @param subscriptions each channel with the reader's position, or null to start live
 * @param waitMs how long to hold the request open when nothing is waiting; 0 for a periodic poll
 */
record PollRequest(
    String clientId, String token, Map<String, Position> subscriptions, long waitMs) {

  /** This request with every channel's position replaced by its entry in {@code positions}. */
  PollRequest from(Map<String, Position> positions) {
    Map<String, Position> resolved = new LinkedHashMap<>(subscriptions);
    resolved.replaceAll((channel, since) -> positions.getOrDefault(channel, since));
    return new PollRequest(clientId, token, resolved, waitMs);
  }

  /**
   * Reads and validates a body.
   *
   * @throws FrameDecodeException naming the offending field
   */
  static PollRequest read(JsonNode body, long maxWaitMs, int maxChannels) {
    FieldReader fields = FieldReader.of(body);
    String clientId = fields.requiredString("clientId", Limits.MAX_ID_LENGTH);
    String token = fields.optionalString("token", Limits.MAX_TOKEN_LENGTH);
    long waitMs = fields.optionalLong("waitMs", 0, maxWaitMs, 0);
    FieldReader subscriptionFields = fields.requiredObject("subscriptions");
    JsonNode subscriptionsNode = body.get("subscriptions");
    if (subscriptionsNode.size() == 0) {
      throw fields.invalid("subscriptions", "an object with at least one channel");
    }
    if (subscriptionsNode.size() > maxChannels) {
      throw fields.invalid(
          "subscriptions",
          "an object with at most "
              + maxChannels
              + " channels but had "
              + subscriptionsNode.size());
    }
    Map<String, Position> subscriptions = new LinkedHashMap<>();
    for (Iterator<String> names = subscriptionsNode.fieldNames(); names.hasNext(); ) {
      String channel = names.next();
      if (!ChannelName.isValid(channel)) {
        throw new FrameDecodeException(
            ErrorCode.INVALID_CHANNEL,
            "subscriptions." + channel,
            null,
            "channel '" + channel + "' in subscriptions must be " + ChannelName.rule());
      }
      // Refused whoever asks, so before the token is read, as a bad body.
      Refusal reserved = ChannelRules.refuseRead(channel);
      if (reserved != null) {
        throw new FrameDecodeException(
            reserved.code(), "subscriptions." + channel, null, reserved.message());
      }
      subscriptions.put(channel, subscriptionFields.optionalPosition(channel));
    }
    return new PollRequest(clientId, token, subscriptions, waitMs);
  }
}
