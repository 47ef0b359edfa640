package io.parley.server.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.SocketIoTestClients;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.socket.client.Socket;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * Real traffic over every transport moves {@code /q/metrics} by exactly what happened: connects,
 * deliveries, the latency histogram, resumes, duplicates, disconnects, authentication failures and
 * waiting long-polls. Tests run one at a time in one server, so the deltas are theirs alone.
 */
@QuarkusTest
class MetricsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TestHTTPResource("/")
  URL base;

  @Test
  void nativeWebSocketTrafficMovesConnectsDeliveriesResumesAndDisconnects() {
    Scrape before = Scrape.now();
    String channel = "metrics-ws";
    Position start;
    try (WsTestClient ws = WsTestClient.greeted(base.toString(), "metrics-ws")) {
      ws.send(new ClientFrame.Subscribe("s1", channel, null));
      start = ws.expect(ServerFrame.Subscribed.class).position();
      publish(channel, "a", 1);
      publish(channel, "b", 2);
      publish(channel, "c", 3);
      for (int i = 0; i < 3; i++) {
        ws.expect(ServerFrame.Message.class);
      }
      Scrape open = Scrape.now();
      assertThat(open.since(before, "parley_connections", "transport=websocket")).isEqualTo(1);
      // A second subscribe from the first position replays all three: a recovered resume.
      ws.send(new ClientFrame.Unsubscribe("u1", channel));
      ws.expect(ServerFrame.Unsubscribed.class);
      ws.send(new ClientFrame.Subscribe("s2", channel, start));
      ws.expect(ServerFrame.Subscribed.class);
      for (int i = 0; i < 3; i++) {
        ws.expect(ServerFrame.Message.class);
      }
    }
    Scrape after = awaitScrape(s -> s.since(before, "parley_disconnects_total") >= 1);
    assertThat(
            after.since(before, "parley_connects_total", "transport=websocket", "outcome=accepted"))
        .isEqualTo(1);
    assertThat(after.since(before, "parley_messages_published_total")).isEqualTo(3);
    assertThat(after.since(before, "parley_deliveries_total", "transport=websocket")).isEqualTo(6);
    assertThat(after.since(before, "parley_delivery_latency_seconds_count")).isEqualTo(6);
    assertThat(after.since(before, "parley_resumes_total", "outcome=recovered")).isEqualTo(1);
    assertThat(after.since(before, "parley_resumes_total", "outcome=gap")).isZero();
    assertThat(after.since(before, "parley_resumes_replayed_total")).isEqualTo(3);
    assertThat(after.since(before, "parley_disconnects_total", "transport=websocket")).isEqualTo(1);
    assertThat(after.since(before, "parley_connections", "transport=websocket")).isZero();
  }

  @Test
  void socketIoOverWebSocketCountsItsDeliveriesAndItsDisconnect() throws Exception {
    socketIo("websocket", "socketio-websocket");
  }

  @Test
  void engineIoPollingCountsItsDeliveriesAndItsDisconnect() throws Exception {
    socketIo("polling", "socketio-polling");
  }

  private void socketIo(String engineTransport, String tag) throws Exception {
    Scrape before = Scrape.now();
    String channel = "metrics-" + tag;
    BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    try (SocketIoTestClients clients = new SocketIoTestClients(base)) {
      Socket socket =
          clients.connected(null, engineTransport, s -> s.on("message", a -> messages.add(a[0])));
      SocketIoTestClients.call(socket, "subscribe", new JSONObject().put("channel", channel));
      publish(channel, "a", 1);
      publish(channel, "b", 2);
      SocketIoTestClients.take(messages);
      SocketIoTestClients.take(messages);
      Scrape open = Scrape.now();
      assertThat(open.since(before, "parley_connections", "transport=" + tag)).isEqualTo(1);
      assertThat(open.since(before, "parley_deliveries_total", "transport=" + tag)).isEqualTo(2);
      assertThat(open.since(before, "parley_delivery_latency_seconds_count")).isEqualTo(2);
    }
    Scrape after =
        awaitScrape(s -> s.since(before, "parley_disconnects_total", "transport=" + tag) >= 1);
    assertThat(after.since(before, "parley_connects_total", "transport=" + tag, "outcome=accepted"))
        .isEqualTo(1);
    assertThat(after.since(before, "parley_disconnects_total", "transport=" + tag)).isEqualTo(1);
    assertThat(after.since(before, "parley_connections", "transport=" + tag)).isZero();
    assertThat(
            after.since(
                before,
                "parley_engineio_handshakes_total",
                "transport=" + engineTransport,
                "outcome=ok"))
        .isEqualTo(1);
  }

  @Test
  void aRefusedEngineIoHandshakeIsCountedWithItsError() {
    Scrape before = Scrape.now();
    given().get("/socket.io/?EIO=3&transport=polling").then().statusCode(400);
    given().get("/socket.io/?EIO=4&transport=carrier-pigeon").then().statusCode(400);

    Scrape after = Scrape.now();
    assertThat(
            after.since(
                before,
                "parley_engineio_handshakes_total",
                "transport=polling",
                "outcome=unsupported_protocol_version"))
        .isEqualTo(1);
    assertThat(
            after.since(
                before,
                "parley_engineio_handshakes_total",
                "transport=unknown",
                "outcome=unknown_transport"))
        .isEqualTo(1);
  }

  @Test
  void httpPollsPublishesAuthFailuresAndWaitingLongPollsAreCounted() throws Exception {
    Scrape before = Scrape.now();
    String channel = "metrics-http";
    String epoch = publish(channel, "a", 1).extract().path("epoch");
    publish(channel, "b", 2);
    Map<String, Object> once =
        Map.of("channel", channel, "event", "e", "data", 3, "clientId", "m-http", "id", "p1");
    given()
        .contentType("application/json")
        .body(once)
        .post("/realtime/publish")
        .then()
        .statusCode(200);
    given()
        .contentType("application/json")
        .body(once)
        .post("/realtime/publish")
        .then()
        .statusCode(200);
    poll(channel, Map.of("epoch", epoch, "seq", 0), 0).statusCode(200);
    given()
        .contentType("application/json")
        .header("Authorization", "Basic nope")
        .body(Map.of("channel", channel, "event", "e", "data", 1))
        .post("/realtime/publish")
        .then()
        .statusCode(401);

    // A long-poll on a quiet channel waits, and stops waiting when a message arrives.
    String quiet = "metrics-http-quiet";
    AtomicReference<ValidatableResponse> answer = new AtomicReference<>();
    CompletableFuture<Void> waiting =
        CompletableFuture.runAsync(() -> answer.set(poll(quiet, null, 10_000)));
    awaitScrape(s -> s.value("parley_polls_waiting") == 1);
    publish(quiet, "x", 1);
    waiting.get();
    answer.get().statusCode(200);

    Scrape after = awaitScrape(s -> s.value("parley_polls_waiting") == 0);
    assertThat(after.since(before, "parley_messages_published_total")).isEqualTo(4);
    assertThat(after.since(before, "parley_publishes_duplicate_total")).isEqualTo(1);
    assertThat(after.since(before, "parley_deliveries_total", "transport=http")).isEqualTo(4);
    assertThat(
            after.since(
                before, "parley_auth_failures_total", "transport=http", "code=token_malformed"))
        .isEqualTo(1);
  }

  private static ValidatableResponse publish(String channel, String event, int data) {
    return given()
        .contentType("application/json")
        .body(Map.of("channel", channel, "event", event, "data", data))
        .post("/realtime/publish")
        .then()
        .statusCode(200);
  }

  private static ValidatableResponse poll(String channel, Object since, int waitMs) {
    Map<String, Object> subscriptions = new HashMap<>();
    subscriptions.put(channel, since);
    return given()
        .contentType("application/json")
        .body(Map.of("clientId", "m-poll", "subscriptions", subscriptions, "waitMs", waitMs))
        .post("/realtime/poll")
        .then();
  }

  private static Scrape awaitScrape(Predicate<Scrape> condition) {
    AtomicReference<Scrape> last = new AtomicReference<>();
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> {
              last.set(Scrape.now());
              return condition.test(last.get());
            });
    return last.get();
  }
}
