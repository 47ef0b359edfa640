package io.parley.server.limits;

import static io.parley.server.testing.SocketIoTestClients.call;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.server.auth.ChannelPatterns;
import io.parley.server.auth.Identity;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.Session;
import io.parley.server.hub.SessionSink;
import io.parley.server.testing.SocketIoTestClients;
import io.parley.server.testing.TestTokens;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.socket.client.Socket;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.awaitility.Awaitility;
import org.json.JSONException;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@code realtime.limits.*} limit reached on the transports it concerns, and CORS on {@code
 * /realtime/*}, with the small limits of {@link LimitsProfile}.
 */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class LimitsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ChannelPatterns ALL = ChannelPatterns.of(List.of("*"));

  @TestHTTPResource("/")
  URL base;

  @Inject Hub hub;

  private SocketIoTestClients clients;

  @BeforeEach
  void noSessionsLeftFromEarlierTests() {
    Awaitility.await().atMost(WAIT).until(() -> hub.sessionCount() == 0);
    clients = new SocketIoTestClients(base);
  }

  @AfterEach
  void closeSockets() {
    clients.close();
  }

  @Test
  void subscriptionsPastTheLimitAreRefusedOnWsAndAutomaticChannelsDoNotCount() {
    String token = TestTokens.grants("subs-" + System.nanoTime(), List.of("*"), List.of());
    try (WsTestClient client = WsTestClient.connect(base.toString())) {
      client.send(new ClientFrame.Hello(token, "c"));
      client.expect(ServerFrame.Welcome.class); // session: and user: joined: not counted
      for (int i = 0; i < LimitsProfile.MAX_SUBSCRIPTIONS; i++) {
        client.send(new ClientFrame.Subscribe("s" + i, "room:" + i, null));
        client.expect(ServerFrame.Subscribed.class);
      }
      client.send(new ClientFrame.Subscribe("extra", "room:extra", null));
      ServerFrame.Error error = client.expect(ServerFrame.Error.class);
      assertThat(error.code()).isEqualTo(ErrorCode.TOO_MANY_SUBSCRIPTIONS);
      assertThat(error.id()).isEqualTo("extra");
      assertThat(error.message()).contains(LimitsProfile.MAX_SUBSCRIPTIONS + " subscriptions");

      client.send(new ClientFrame.Unsubscribe("u", "room:0"));
      client.expect(ServerFrame.Unsubscribed.class);
      client.send(new ClientFrame.Subscribe("again", "room:extra", null));
      assertThat(client.expect(ServerFrame.Subscribed.class).channel()).isEqualTo("room:extra");
    }
  }

  @Test
  void subscriptionsPastTheLimitAreRefusedOnSocketIo() throws JSONException {
    Socket socket = connected(null);
    for (int i = 0; i < LimitsProfile.MAX_SUBSCRIPTIONS; i++) {
      assertThat(
              call(socket, "subscribe", new JSONObject().put("channel", "sio:" + i)).has("error"))
          .isFalse();
    }
    JSONObject refused = call(socket, "subscribe", new JSONObject().put("channel", "sio:extra"));
    assertThat(refused.getJSONObject("error").getString("code"))
        .isEqualTo("TOO_MANY_SUBSCRIPTIONS");
  }

  @Test
  void publishesPastTheBurstAreRateLimitedOnWsWithARetryAfter() {
    try (WsTestClient client = WsTestClient.greeted(base.toString(), "rate-ws")) {
      for (int i = 0; i < LimitsProfile.PUBLISH_BURST; i++) {
        client.send(new ClientFrame.Publish("p" + i, "rate:ws", "e", IntNode.valueOf(i)));
        client.expect(ServerFrame.Ack.class);
      }
      client.send(new ClientFrame.Publish("over", "rate:ws", "e", IntNode.valueOf(9)));
      ServerFrame.Error error = client.expect(ServerFrame.Error.class);
      assertThat(error.code()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(error.id()).isEqualTo("over");
      assertThat(error.retryable()).isTrue();
      assertThat(error.message()).containsPattern("retry after \\d+ ms");
      assertThat(error.retryAfterMs()).isPositive();
    }
    // Another connection has its own bucket.
    try (WsTestClient other = WsTestClient.greeted(base.toString(), "rate-ws-2")) {
      other.send(new ClientFrame.Publish("q", "rate:ws", "e", IntNode.valueOf(1)));
      other.expect(ServerFrame.Ack.class);
    }
  }

  @Test
  void publishesPastTheBurstAreRateLimitedOnSocketIo() throws JSONException {
    Socket socket = connected(null);
    for (int i = 0; i < LimitsProfile.PUBLISH_BURST; i++) {
      assertThat(call(socket, "publish", publish("rate:sio", "p" + i)).has("seq")).isTrue();
    }
    JSONObject error = call(socket, "publish", publish("rate:sio", "over")).getJSONObject("error");
    assertThat(error.getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(error.getBoolean("retryable")).isTrue();
    assertThat(error.getString("message")).contains("retry after");
    assertThat(error.getLong("retryAfterMs")).isPositive();
  }

  @Test
  void httpPublishesPastTheBurstOfTheirSubjectGet429WithRetryAfter() {
    String token = TestTokens.grants("http-" + System.nanoTime(), List.of(), List.of("*"));
    for (int i = 0; i < LimitsProfile.PUBLISH_BURST; i++) {
      httpPublish(token, "h" + i).then().statusCode(200);
    }
    Response refused = httpPublish(token, "over");
    refused.then().statusCode(429).contentType("application/problem+json");
    assertThat(refused.jsonPath().getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(refused.jsonPath().getBoolean("retryable")).isTrue();
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 101);
    // Another subject is not affected.
    httpPublish(TestTokens.grants("http2-" + System.nanoTime(), List.of(), List.of("*")), "x")
        .then()
        .statusCode(200);
  }

  @Test
  void aUserPastItsConnectionsIsRefusedOnEveryTransport() throws JSONException {
    String subject = "conn-" + System.nanoTime();
    String token = TestTokens.grants(subject, List.of("*"), List.of("*"));
    try (WsTestClient first = WsTestClient.connect(base.toString())) {
      first.send(new ClientFrame.Hello(token, "c1"));
      first.expect(ServerFrame.Welcome.class);
      connected(token); // the second, over Socket.IO: counted across transports

      try (WsTestClient third = WsTestClient.connect(base.toString())) {
        third.send(new ClientFrame.Hello(token, "c3"));
        ServerFrame.Error error = third.expect(ServerFrame.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS);
        assertThat(error.category()).isEqualTo(ErrorCategory.CONNECTION);
        assertThat(error.retryable()).isTrue();
        assertThat(error.message()).contains(subject);
        assertThat(third.awaitClose()).isEqualTo(1013);
      }
      Object outcome = connect(token);
      assertThat(outcome).isInstanceOf(JSONObject.class);
      JSONObject data = ((JSONObject) outcome).getJSONObject("data");
      assertThat(data.getString("code")).isEqualTo("TOO_MANY_CONNECTIONS");
      assertThat(data.getString("category")).isEqualTo("connection");
    }
    // Anonymous connections are not counted per user.
    try (WsTestClient a = WsTestClient.greeted(base.toString(), "a1");
        WsTestClient b = WsTestClient.greeted(base.toString(), "a2");
        WsTestClient c = WsTestClient.greeted(base.toString(), "a3")) {
      assertThat(hub.sessionCount()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void aFullNodeAnswers503WithRetryAfterBeforeAnySessionIsMade() throws Exception {
    List<Session> filling = new ArrayList<>();
    Identity anonymous = Identity.anonymous(ALL, ALL, false);
    try (WsTestClient existing = WsTestClient.greeted(base.toString(), "existing")) {
      while (hub.sessionCount() < LimitsProfile.MAX_CONNECTIONS) {
        filling.add(hub.open(new NoSink(), "fill-" + filling.size(), anonymous));
      }
      int engineSessions = hub.sessionCount();

      for (String path : List.of("ws", "socket.io/?EIO=4&transport=websocket")) {
        assertThatThrownBy(() -> rawWebSocket(path))
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(WebSocketHandshakeException.class)
            .satisfies(
                e -> {
                  var response = ((WebSocketHandshakeException) e.getCause()).getResponse();
                  assertThat(response.statusCode()).as(path).isEqualTo(503);
                  assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
                });
      }
      Response polling =
          given()
              .queryParam("EIO", "4")
              .queryParam("transport", "polling")
              .get("/socket.io/")
              .andReturn();
      assertUnavailable(polling);
      assertUnavailable(
          given()
              .contentType("application/json")
              .body("{\"clientId\":\"p\",\"subscriptions\":{\"a\":null}}")
              .post("/realtime/poll")
              .andReturn());
      assertThat(hub.sessionCount()).isEqualTo(engineSessions);

      // Connections already in keep working.
      existing.send(new ClientFrame.Subscribe("s", "still:here", null));
      existing.expect(ServerFrame.Subscribed.class);
    } finally {
      filling.forEach(hub::close);
    }
    Awaitility.await().atMost(WAIT).until(() -> hub.sessionCount() == 0);
    given()
        .contentType("application/json")
        .body("{\"clientId\":\"p\",\"subscriptions\":{\"a\":null}}")
        .post("/realtime/poll")
        .then()
        .statusCode(200);
  }

  @Test
  void corsOnTheHttpTransportAnswersPreflightsForAllowedOriginsOnly() {
    Response preflight =
        given()
            .header("Origin", "https://app.example")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization, content-type")
            .options("/realtime/publish")
            .andReturn();
    preflight.then().statusCode(204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
    assertThat(preflight.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
    assertThat(preflight.header("Access-Control-Allow-Headers")).contains("authorization");

    Response other =
        given()
            .header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "POST")
            .options("/realtime/poll")
            .andReturn();
    assertThat(other.header("Access-Control-Allow-Origin")).isNull();

    Response poll =
        given()
            .header("Origin", "https://app.example")
            .contentType("application/json")
            .body("{\"clientId\":\"p\",\"subscriptions\":{\"cors:1\":null}}")
            .post("/realtime/poll")
            .andReturn();
    poll.then().statusCode(200);
    assertThat(poll.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
    assertThat(poll.header("Access-Control-Expose-Headers")).contains("Retry-After");
  }

  @Test
  void anOversizeHttpPublishIs413() {
    String big = "x".repeat(70_000); // realtime.max-frame-bytes is 65536
    Response response =
        given()
            .contentType("application/json")
            .body("{\"channel\":\"big\",\"event\":\"e\",\"data\":\"" + big + "\"}")
            .post("/realtime/publish")
            .andReturn();
    response.then().statusCode(413);
    assertThat(response.jsonPath().getString("code")).isEqualTo("FRAME_TOO_LARGE");
  }

  private static void assertUnavailable(Response response) {
    response.then().statusCode(503).contentType("application/problem+json");
    assertThat(response.header("Retry-After")).isEqualTo("7");
    assertThat(response.jsonPath().getString("code")).isEqualTo("SERVER_UNAVAILABLE");
    assertThat(response.jsonPath().getBoolean("retryable")).isTrue();
  }

  private WebSocket rawWebSocket(String path) {
    URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + path);
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .connectTimeout(WAIT)
        .buildAsync(uri, new WebSocket.Listener() {})
        .join();
  }

  private static Response httpPublish(String token, String id) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"channel\":\"rate:http\",\"event\":\"e\",\"data\":1,\"id\":\"" + id + "\"}")
        .post("/realtime/publish")
        .andReturn();
  }

  private static JSONObject publish(String channel, String id) throws JSONException {
    return new JSONObject().put("id", id).put("channel", channel).put("event", "e").put("data", 1);
  }

  private Socket connected(String token) {
    return clients.connected(token, "websocket", socket -> {});
  }

  /** "connected", or the CONNECT_ERROR argument. */
  private Object connect(String token) {
    return clients.connect(token, "websocket", socket -> {});
  }

  /** A session sink that takes everything and sends nothing, to fill the node. */
  private static final class NoSink implements SessionSink {
    @Override
    public boolean sendMessage(ChannelMessage message) {
      return true;
    }

    @Override
    public boolean send(ServerFrame frame) {
      return true;
    }

    @Override
    public boolean sendRefusal(Refusal refusal) {
      return true;
    }

    @Override
    public void close(Refusal reason) {}
  }
}
