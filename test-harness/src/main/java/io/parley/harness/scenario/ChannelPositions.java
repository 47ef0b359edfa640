package io.parley.harness.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.Position;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stateless and thread-safe: asks the server for channels' current positions with one periodic poll
 * ({@code POST /realtime/poll}, {@code waitMs} 0, each channel at {@code null}), so that
 * subscribers can start from a real position and the checker knows where each stream begins.
 */
final class ChannelPositions {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 3;

  private ChannelPositions() {}

  /**
   * The current position of each channel.
   *
   * @param token the bearer token to present (it must allow subscribing to the channels), or null
   * @throws IllegalStateException when the server does not answer as the protocol says
   * @throws InterruptedException when interrupted while waiting for the answer
   */
  static Map<String, Position> fetch(
      String serverBase, String token, String clientId, List<String> channels)
      throws InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("clientId", clientId);
    body.put("waitMs", 0);
    ObjectNode subscriptions = body.putObject("subscriptions");
    channels.forEach(subscriptions::putNull);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(serverBase + "realtime/poll"))
            .timeout(Duration.ofSeconds(5))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    HttpRequest request = builder.build();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        return read(http.send(request, HttpResponse.BodyHandlers.ofString()), channels);
      } catch (IOException e) {
        // A server that has just started may not answer its first request in time; ask again.
        last = e;
      }
    }
    throw new IllegalStateException(
        "cannot ask " + serverBase + " for channel positions (" + ATTEMPTS + " attempts)", last);
  }

  private static Map<String, Position> read(HttpResponse<String> response, List<String> channels)
      throws IOException {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "POST /realtime/poll answered "
              + response.statusCode()
              + ": "
              + response.body()
              + (response.statusCode() == 401
                  ? " (an external server needs a token: --token or --token-file)"
                  : ""));
    }
    JsonNode positions = JSON.readTree(response.body()).path("positions");
    Map<String, Position> result = new LinkedHashMap<>();
    for (String channel : channels) {
      JsonNode position = positions.path(channel);
      if (!position.path("epoch").isTextual() || !position.path("seq").canConvertToLong()) {
        throw new IllegalStateException(
            "POST /realtime/poll gave no position for " + channel + ": " + response.body());
      }
      result.put(
          channel, new Position(position.get("epoch").asText(), position.get("seq").asLong()));
    }
    return result;
  }
}
