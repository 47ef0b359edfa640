package io.parley.harness.client;

import static io.parley.harness.client.TestClients.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.harness.auth.TestIssuer;
import io.parley.harness.server.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What works across the cluster besides channels, with two server processes on the machine's Redis
 * (a key prefix of this test's own, per-user limit 2): messages to a user's {@code user:<sub>}
 * channel and admin broadcasts reach that user's sessions on every node; an operator's disconnect
 * of a user on one node closes the user's sessions on the other; the per-user connection limit
 * counts every node's connections; the admin stats of one node list every node. Clients are raw
 * {@code /ws} connections, so the test sees each frame and the close.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterWideIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String prefix = "parley-test:" + UUID.randomUUID() + ":";
  private final TestIssuer issuer = TestIssuer.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private ServerProcess a;
  private ServerProcess b;

  /** Two nodes for every test (each test has users of its own): starting one takes seconds. */
  @BeforeAll
  void startNodes() {
    a = node("node-a").start();
    b = node("node-b").start();
  }

  @AfterAll
  void stopNodes() {
    try (ServerProcess first = a;
        ServerProcess second = b) {
      RedisKeys.deleteUnder(prefix);
    }
  }

  private ServerProcess node(String id) {
    return ServerProcess.builder()
        .issuer(issuer)
        .property("realtime.backplane", "redis")
        .property("realtime.redis.key-prefix", prefix)
        .property("realtime.node-id", id)
        .property("realtime.limits.max-connections-per-user", "2")
        .build();
  }

  @Test
  void userMessagesAndBroadcastsReachTheUsersSessionsOnEveryNode() throws Exception {
    try (Frames onA = Frames.open(a, issuer.userToken("alice", "*"), "tab-a");
        Frames onB = Frames.open(b, issuer.userToken("alice", "*"), "tab-b")) {
      onA.awaitType("welcome");
      onB.awaitType("welcome");

      // To the user, published on node A: both tabs get it, the one on B through Redis.
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                post(a, "/realtime/publish", publisherToken(), userMessage());
                assertThat(onB.ofChannel("user:alice")).isNotEmpty();
              });
      assertThat(onA.ofChannel("user:alice")).isNotEmpty();

      // An operator's broadcast on node B reaches the session on A.
      HttpResponse<String> broadcast =
          post(b, "/realtime/admin/broadcast", adminToken(), "{\"event\":\"maintenance\"}");
      assertThat(broadcast.statusCode()).as(broadcast.body()).isEqualTo(200);
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(onA.frames())
                      .anySatisfy(
                          f -> assertThat(f.path("event").asText()).isEqualTo("maintenance")));
    }
  }

  @Test
  void anOperatorsDisconnectOnOneNodeClosesTheUsersSessionsOnTheOther() throws Exception {
    try (Frames onA = Frames.open(a, issuer.userToken("mallory", "*"), "m-a");
        Frames onB = Frames.open(b, issuer.userToken("mallory", "*"), "m-b");
        Frames bystander = Frames.open(b, issuer.userToken("bob", "*"), "b-b")) {
      onA.awaitType("welcome");
      onB.awaitType("welcome");
      bystander.awaitType("welcome");

      HttpResponse<String> response =
          post(
              a,
              "/realtime/admin/disconnect",
              adminToken(),
              "{\"user\":\"mallory\",\"reason\":\"abuse\",\"mayReconnect\":false}");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(response.body());
      assertThat(answer.path("disconnected").asInt()).as(response.body()).isEqualTo(2);
      assertThat(answer.path("thisNode").asInt()).isEqualTo(1);
      assertThat(answer.path("otherNodes").path("asked").asInt()).isEqualTo(1);
      assertThat(answer.path("otherNodes").path("answered").asInt()).isEqualTo(1);
      for (Frames session : List.of(onA, onB)) {
        JsonNode error = session.awaitType("error");
        assertThat(error.path("code").asText()).isEqualTo("DISCONNECTED_NO_RECONNECT");
        await().atMost(PATIENCE).until(session::closed);
      }
      assertThat(bystander.closed()).as("bob stays").isFalse();
    }
  }

  @Test
  void thePerUserLimitCountsTheUsersConnectionsOnEveryNode() throws Exception {
    try (Frames first = Frames.open(a, issuer.userToken("carol", "*"), "c-1");
        Frames second = Frames.open(b, issuer.userToken("carol", "*"), "c-2")) {
      first.awaitType("welcome");
      second.awaitType("welcome");
      // Each node holds one of carol's two; a third on either node is one too many.
      try (Frames third = Frames.open(a, issuer.userToken("carol", "*"), "c-3")) {
        JsonNode error = third.awaitType("error");
        assertThat(error.path("code").asText()).isEqualTo("TOO_MANY_CONNECTIONS");
        assertThat(error.path("message").asText()).contains("across the cluster");
        await().atMost(PATIENCE).until(third::closed);
      }
      assertThat(first.closed() || second.closed()).as("the first two stay").isFalse();

      // One closes on B: once the cluster took it back, a new one on A fits again.
      String counts = prefix + "{user:carol}:c";
      await().atMost(PATIENCE).until(() -> RedisKeys.hashSum(counts) == 2);
      second.close();
      await().atMost(PATIENCE).until(() -> RedisKeys.hashSum(counts) == 1);
      try (Frames again = Frames.open(a, issuer.userToken("carol", "*"), "c-4")) {
        again.awaitType("welcome");
        await().atMost(PATIENCE).until(() -> RedisKeys.hashSum(counts) == 2);
        assertThat(again.ofType("error")).isEmpty();
        assertThat(again.closed()).isFalse();
      }
    }
  }

  @Test
  void oneNodesAdminStatsListEveryNodeAndTheirSums() throws Exception {
    try (Frames onB = Frames.open(b, issuer.userToken("dave", "*"), "d-b")) {
      onB.awaitType("welcome");
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                HttpResponse<String> stats = get(a, "/realtime/admin/stats");
                assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
                JsonNode cluster = JSON.readTree(stats.body()).path("cluster");
                assertThat(cluster.path("nodes").findValuesAsText("node"))
                    .as(stats.body())
                    .containsExactly("node-a", "node-b");
                assertThat(cluster.path("connections").path("WEBSOCKET").asInt())
                    .as(stats.body())
                    .isGreaterThanOrEqualTo(1);
                assertThat(cluster.path("sessions").asInt()).isGreaterThanOrEqualTo(1);
              });
    }
  }

  // ---------------------------------------------------------------- plumbing

  private String adminToken() {
    return issuer.token("ops", List.of(), List.of(), Set.of(TestIssuer.ADMIN_ROLE));
  }

  private String publisherToken() {
    return issuer.publisherToken("it-backend");
  }

  private static String userMessage() {
    return "{\"channel\":\"user:alice\",\"event\":\"note\",\"data\":{\"n\":1}}";
  }

  private HttpResponse<String> post(ServerProcess node, String path, String token, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(ServerProcess node, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
            .header("Authorization", "Bearer " + adminToken())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A raw {@code /ws} connection that keeps every frame it receives and answers pings. */
  private static final class Frames implements WebSocket.Listener, AutoCloseable {
    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean closed;
    private WebSocket socket;

    static Frames open(ServerProcess node, String token, String clientId) {
      Frames frames = new Frames();
      URI uri = URI.create(node.baseUrl().replaceFirst("^http", "ws") + "/ws");
      frames.socket =
          TestClients.join(
              HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, frames));
      String hello =
          JSON.createObjectNode()
              .put("type", "hello")
              .put("clientId", clientId)
              .put("token", token)
              .toString();
      frames.socket.sendText(hello, true);
      return frames;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode frame = JSON.readTree(partial.toString());
          if (frame.path("type").asText().equals("ping")) {
            webSocket.sendText(
                "{\"type\":\"pong\",\"ts\":" + frame.path("ts").asLong() + "}", true);
          }
          frames.add(frame);
        } catch (Exception e) {
          throw new IllegalStateException("not JSON: " + partial, e);
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed = true;
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed = true;
    }

    List<JsonNode> frames() {
      return List.copyOf(frames);
    }

    List<JsonNode> ofType(String type) {
      return frames.stream().filter(f -> f.path("type").asText().equals(type)).toList();
    }

    List<JsonNode> ofChannel(String channel) {
      return frames.stream().filter(f -> f.path("channel").asText().equals(channel)).toList();
    }

    JsonNode awaitType(String type) {
      await().atMost(PATIENCE).until(() -> !ofType(type).isEmpty());
      return ofType(type).get(0);
    }

    boolean closed() {
      return closed;
    }

    @Override
    public void close() {
      if (!closed) {
        CompletableFuture<WebSocket> sent =
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").toCompletableFuture();
        TestClients.join(sent);
        await().atMost(PATIENCE).until(this::closed);
      }
    }
  }
}
