package io.parley.server.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.parley.client.ConnectionException;
import io.parley.client.ParleyClient;
import io.parley.client.StatusChanged;
import io.parley.client.TokenSupplier;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.server.testing.SocketIoTestClients;
import io.parley.server.testing.TestTokens;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The admin API over HTTP, against real connections on every transport: who may call it, what each
 * endpoint answers, every bad request's specific 400, and disconnects and broadcasts reaching
 * clients. Runs with the test profile's anonymous access on, which must never reach the admin API.
 */
@QuarkusTest
class AdminApiIT {
  private static final String ADMIN = TestTokens.claims("ops").groups(Set.of("admin")).sign();
  private static final AtomicInteger USERS = new AtomicInteger();

  @TestHTTPResource("/")
  URL base;

  private static RequestSpecification admin() {
    return given().header("Authorization", "Bearer " + ADMIN).contentType("application/json");
  }

  private static String freshUser() {
    return "admin-it-" + USERS.incrementAndGet();
  }

  private static void problem(ValidatableResponse response, int status, String code, String field) {
    response
        .statusCode(status)
        .contentType("application/problem+json")
        .body("code", equalTo(code))
        .body("status", equalTo(status));
    if (field != null) {
      response.body("field", equalTo(field));
    }
  }

  // ---------------------------------------------------------------- access

  @Test
  void withoutATokenEveryEndpointIs401EvenWithAnonymousAccessOn() {
    for (String path : List.of("stats", "connections", "channels", "channels/a")) {
      ValidatableResponse response = given().get("/realtime/admin/" + path).then();
      problem(response, 401, "TOKEN_MISSING", "Authorization");
      response.header("WWW-Authenticate", "Bearer");
    }
    for (String path : List.of("disconnect", "broadcast", "drain")) {
      problem(
          given().contentType("application/json").body("{}").post("/realtime/admin/" + path).then(),
          401,
          "TOKEN_MISSING",
          "Authorization");
    }
  }

  @Test
  void anInvalidTokenIs401WithItsCode() {
    ValidatableResponse response =
        given()
            .header("Authorization", "Bearer " + TestTokens.expired("ops"))
            .get("/realtime/admin/stats")
            .then();
    problem(response, 401, "TOKEN_EXPIRED", "Authorization");
    response.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    problem(
        given().header("Authorization", "Basic abc").get("/realtime/admin/stats").then(),
        401,
        "TOKEN_MALFORMED",
        "Authorization");
  }

  @Test
  void aValidTokenWithoutTheAdminGroupIs403() {
    String user = TestTokens.grants("alice", List.of("*"), List.of("*"));
    for (String token : List.of(user, TestTokens.publisher())) {
      problem(
          given().header("Authorization", "Bearer " + token).get("/realtime/admin/stats").then(),
          403,
          "FORBIDDEN",
          "Authorization");
    }
  }

  // ---------------------------------------------------------------- reads

  @Test
  void statsConnectionsAndChannelsDescribeLiveConnections() {
    String user = freshUser();
    String channel = "admin-it:" + user;
    String token = TestTokens.grants(user, List.of("*"), List.of("*"));
    try (WsTestClient ws = WsTestClient.connect(base.toString())) {
      ws.send(new ClientFrame.Hello(token, "c-" + user));
      String session = ws.expect(ServerFrame.Welcome.class).sessionId();
      ws.send(new ClientFrame.Subscribe("s1", channel, null));
      ws.expect(ServerFrame.Subscribed.class);
      publish(channel);
      publish(channel);

      admin()
          .get("/realtime/admin/stats")
          .then()
          .statusCode(200)
          .body("sessions", greaterThanOrEqualTo(1))
          .body("connections.WEBSOCKET", greaterThanOrEqualTo(1))
          .body("connections.SOCKET_IO", notNullValue())
          .body("connections.HTTP_LONG_POLL", equalTo(0))
          .body("uptimeMs", greaterThanOrEqualTo(0))
          .body("draining", equalTo(false))
          // Self-tests are off in tests (realtime.health.enabled=false): no round, no transport.
          .body("selfTest.status", equalTo("UNTESTED"))
          .body("topBySubscribers.channel", hasItem(ChannelName.BROADCAST))
          .body("topByPublishRate.channel", hasItem(channel))
          .body("history.messages", greaterThanOrEqualTo(2));

      admin()
          .queryParam("user", user)
          .get("/realtime/admin/connections")
          .then()
          .statusCode(200)
          .body("total", equalTo(1))
          .body("connections[0].session", equalTo(session))
          .body("connections[0].user", equalTo(user))
          .body("connections[0].clientId", equalTo("c-" + user))
          .body("connections[0].transport", equalTo("WEBSOCKET"))
          .body("connections[0].address", equalTo("127.0.0.1"))
          .body("connections[0].since", notNullValue());

      admin()
          .queryParam("prefix", channel)
          .get("/realtime/admin/channels")
          .then()
          .statusCode(200)
          .body("channels.size()", equalTo(1))
          .body("channels[0].channel", equalTo(channel))
          .body("channels[0].position.seq", equalTo(2))
          .body("channels[0].subscribers", equalTo(1))
          .body("channels[0].history", equalTo(2))
          .body("channels[0].lastMinute", equalTo(2));

      admin()
          .get("/realtime/admin/channels/" + channel)
          .then()
          .statusCode(200)
          .body("position.seq", equalTo(2))
          .body("position.epoch", notNullValue())
          .body("subscribers", equalTo(1));
    }
    admin()
        .get("/realtime/admin/channels/admin-it:never-used")
        .then()
        .statusCode(200)
        .body("position", equalTo(null))
        .body("subscribers", equalTo(0))
        .body("history", equalTo(0));
  }

  private static void publish(String channel) {
    given()
        .contentType("application/json")
        .body(Map.of("channel", channel, "event", "e", "data", 1))
        .post("/realtime/publish")
        .then()
        .statusCode(200);
  }

  // ---------------------------------------------------------------- bad requests

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "disconnect | '' | BAD_JSON | ",
        "disconnect | [] | BAD_JSON | ",
        "disconnect | {\"reason\":\"r\",\"mayReconnect\":true} | MISSING_FIELD | user",
        "disconnect | {\"user\":\"u\",\"session\":\"s\",\"reason\":\"r\",\"mayReconnect\":true}"
            + " | INVALID_FIELD | user",
        "disconnect | {\"user\":7,\"reason\":\"r\",\"mayReconnect\":true} | INVALID_FIELD | user",
        "disconnect | {\"user\":\"u\",\"mayReconnect\":true} | MISSING_FIELD | reason",
        "disconnect | {\"user\":\"u\",\"reason\":\"\",\"mayReconnect\":true} | INVALID_FIELD"
            + " | reason",
        "disconnect | {\"user\":\"u\",\"reason\":\"r\"} | MISSING_FIELD | mayReconnect",
        "disconnect | {\"user\":\"u\",\"reason\":\"r\",\"mayReconnect\":\"no\"} | INVALID_FIELD"
            + " | mayReconnect",
        "broadcast | {\"data\":1} | MISSING_FIELD | event",
        "broadcast | {\"event\":5} | INVALID_FIELD | event",
        "broadcast | {\"event\":\"e\",\"data\":1e400} | INVALID_FIELD | data",
        "drain | {\"deadlineMs\":0} | INVALID_FIELD | deadlineMs",
        "drain | {\"deadlineMs\":\"soon\"} | INVALID_FIELD | deadlineMs",
        "drain | {\"deadlineMs\":3600001} | INVALID_FIELD | deadlineMs",
        "drain | [1] | BAD_JSON | ",
      })
  void everyBadBodyGetsItsSpecific400(String endpoint, String body, String code, String field) {
    ValidatableResponse response =
        admin().body(body == null ? "" : body).post("/realtime/admin/" + endpoint).then();
    problem(response, 400, code, field);
    response.body("detail", notNullValue());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "channels?limit=0 | INVALID_FIELD | limit",
        "channels?limit=ten | INVALID_FIELD | limit",
        "channels?limit=10001 | INVALID_FIELD | limit",
        "channels?prefix=a%20b | INVALID_FIELD | prefix",
        "connections?limit=-1 | INVALID_FIELD | limit",
        "channels/a%20b | INVALID_CHANNEL | name",
      })
  void everyBadQueryGetsItsSpecific400(String pathAndQuery, String code, String field) {
    problem(
        admin().urlEncodingEnabled(false).get("/realtime/admin/" + pathAndQuery).then(),
        400,
        code,
        field);
  }

  @Test
  void nobodyPublishesToTheBroadcastChannelNotEvenABackend() {
    ValidatableResponse response =
        given()
            .header("Authorization", "Bearer " + TestTokens.publisher())
            .contentType("application/json")
            .body(Map.of("channel", ChannelName.BROADCAST, "event", "e", "data", 1))
            .post("/realtime/publish")
            .then();
    problem(response, 403, "CHANNEL_RESERVED", "channel");
  }

  // ---------------------------------------------------------------- broadcast

  @Test
  void aBroadcastReachesEveryTransport() throws Exception {
    try (WsTestClient ws = WsTestClient.greeted(base.toString(), "bc-ws");
        SocketIoTestClients socketIo = new SocketIoTestClients(base)) {
      BlockingQueue<JSONObject> socketIoMessages = new LinkedBlockingQueue<>();
      assertThat(
              socketIo.connect(
                  null,
                  "websocket",
                  socket ->
                      socket.on("message", args -> socketIoMessages.add((JSONObject) args[0]))))
          .isEqualTo("connected");
      // A poller learns the broadcast channel's position, then reads what follows it.
      var start =
          given()
              .contentType("application/json")
              .body(
                  "{\"clientId\":\"bc-poll\",\"subscriptions\":{\""
                      + ChannelName.BROADCAST
                      + "\":null},\"waitMs\":0}")
              .post("/realtime/poll")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      String epoch = start.getString("positions.'" + ChannelName.BROADCAST + "'.epoch");
      long seq = start.getLong("positions.'" + ChannelName.BROADCAST + "'.seq");

      admin()
          .body("{\"event\":\"maintenance\",\"data\":{\"at\":\"22:00\"}}")
          .post("/realtime/admin/broadcast")
          .then()
          .statusCode(200)
          .body("channel", equalTo(ChannelName.BROADCAST))
          .body("seq", equalTo((int) seq + 1));

      ServerFrame.Message native_ =
          ws.awaitFrame(ServerFrame.Message.class, m -> m.event().equals("maintenance"));
      assertThat(native_.channel()).isEqualTo(ChannelName.BROADCAST);
      assertThat(native_.data().get("at").asText()).isEqualTo("22:00");

      JSONObject viaSocketIo = socketIoMessages.poll(10, TimeUnit.SECONDS);
      assertThat(viaSocketIo).isNotNull();
      assertThat(viaSocketIo.getString("channel")).isEqualTo(ChannelName.BROADCAST);
      assertThat(viaSocketIo.getString("event")).isEqualTo("maintenance");

      given()
          .contentType("application/json")
          .body(
              "{\"clientId\":\"bc-poll\",\"subscriptions\":{\""
                  + ChannelName.BROADCAST
                  + "\":{\"epoch\":\""
                  + epoch
                  + "\",\"seq\":"
                  + seq
                  + "}},\"waitMs\":0}")
          .post("/realtime/poll")
          .then()
          .statusCode(200)
          .body("messages[0].event", equalTo("maintenance"))
          .body("messages[0].data.at", equalTo("22:00"));
    }
  }

  @Test
  void theJavaClientReceivesBroadcastsOnTheReservedChannel() {
    List<String> events = new CopyOnWriteArrayList<>();
    ParleyClient client = javaClient(freshUser(), Transport.WEBSOCKET);
    try {
      client.subscribe(ChannelName.BROADCAST, message -> events.add(message.event()));
      client.connect().toCompletableFuture().join();
      // The subscription is confirmed (the session was in the channel already) before sending.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                admin()
                    .body("{\"event\":\"notice\",\"data\":null}")
                    .post("/realtime/admin/broadcast")
                    .then()
                    .statusCode(200);
                assertThat(events).contains("notice");
              });
    } finally {
      client.close().toCompletableFuture().join();
    }
  }

  // ---------------------------------------------------------------- disconnect

  @Test
  void aNativeClientDisconnectedBySessionGetsTheReasonAsAnErrorFrame() {
    try (WsTestClient ws = WsTestClient.connect(base.toString())) {
      ws.send(new ClientFrame.Hello(null, "kick-me"));
      String session = ws.expect(ServerFrame.Welcome.class).sessionId();
      admin()
          .body(
              "{\"session\":\""
                  + session
                  + "\",\"reason\":\"account suspended\",\"mayReconnect\":false}")
          .post("/realtime/admin/disconnect")
          .then()
          .statusCode(200)
          .body("disconnected", equalTo(1));
      ServerFrame.Error error = ws.awaitFrame(ServerFrame.Error.class, e -> true);
      assertThat(error.code()).isEqualTo(ErrorCode.DISCONNECTED_NO_RECONNECT);
      assertThat(error.message()).isEqualTo("account suspended");
      assertThat(error.retryable()).isFalse();
      ws.awaitClose();
    }
    admin()
        .body("{\"session\":\"no-such-session\",\"reason\":\"r\",\"mayReconnect\":true}")
        .post("/realtime/admin/disconnect")
        .then()
        .statusCode(200)
        .body("disconnected", equalTo(0));
  }

  @Test
  void theJavaClientToldNotToComeBackEndsFailedWithTheReasonOnEveryTransport() {
    for (Transport transport :
        List.of(Transport.WEBSOCKET, Transport.SOCKET_IO, Transport.HTTP_LONG_POLL)) {
      String user = freshUser();
      List<StatusChanged> changes = new CopyOnWriteArrayList<>();
      ParleyClient client = javaClient(user, transport);
      try {
        client.addListener(
            new io.parley.client.ClientListener() {
              @Override
              public void onStatusChanged(StatusChanged event) {
                changes.add(event);
              }
            });
        client.subscribe("admin-it:" + user, message -> {});
        client.connect().toCompletableFuture().join();
        // A poller holds no session: nothing to close, its next poll is refused instead.
        disconnectUser(
            user, "banned for spam", false, transport == Transport.HTTP_LONG_POLL ? 0 : 1);
        await()
            .alias(transport + " client's status after the disconnect")
            .atMost(Duration.ofSeconds(10))
            .until(client::status, equalTo(ConnectionStatus.FAILED));
        StatusChanged failed = changes.get(changes.size() - 1);
        assertThat(failed.to()).isEqualTo(ConnectionStatus.FAILED);
        assertThat(failed.cause()).isInstanceOf(ConnectionException.class);
        assertThat(((ConnectionException) failed.cause()).code())
            .isEqualTo(ErrorCode.DISCONNECTED_NO_RECONNECT);
        assertThat(failed.cause().getMessage()).contains("banned for spam");
        // No retry: nothing after FAILED, and the user has no connection.
        assertThat(changes.stream().map(StatusChanged::to))
            .doesNotContain(ConnectionStatus.RECONNECTING);
        await().atMost(Duration.ofSeconds(10)).until(() -> sessionOf(user) == null);
      } finally {
        client.close().toCompletableFuture().join();
      }
    }
  }

  @Test
  void theJavaClientAllowedBackReconnects() {
    String user = freshUser();
    ParleyClient client = javaClient(user, Transport.WEBSOCKET);
    try {
      client.connect().toCompletableFuture().join();
      String first = sessionOf(user);
      disconnectUser(user, "rebalancing", true, 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(client.status()).isEqualTo(ConnectionStatus.CONNECTED);
                assertThat(sessionOf(user)).isNotNull().isNotEqualTo(first);
              });
    } finally {
      client.close().toCompletableFuture().join();
    }
  }

  @Test
  void aPollingUserToldNotToComeBackIsRefusedOnTheNextPoll() {
    String user = freshUser();
    String token = TestTokens.grants(user, List.of("*"), List.of());
    String poll = "{\"clientId\":\"p\",\"subscriptions\":{\"admin-it:poll\":null},\"waitMs\":0}";
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(poll)
        .post("/realtime/poll")
        .then()
        .statusCode(200);
    disconnectUser(user, "go away", false, 0);
    for (int i = 0; i < 2; i++) {
      ValidatableResponse refused =
          given()
              .header("Authorization", "Bearer " + token)
              .contentType("application/json")
              .body(poll)
              .post("/realtime/poll")
              .then();
      problem(refused, 403, "DISCONNECTED_NO_RECONNECT", null);
      refused.body("detail", equalTo("go away"));
    }
  }

  @Test
  void anOfficialSocketIoClientToldNotToComeBackGetsTheReasonAndAServerDisconnect()
      throws Exception {
    String user = freshUser();
    String token = TestTokens.grants(user, List.of("*"), List.of());
    try (SocketIoTestClients socketIo = new SocketIoTestClients(base)) {
      BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
      assertThat(
              socketIo.connect(
                  token,
                  "websocket",
                  socket -> {
                    socket.on("error", args -> seen.add(args[0]));
                    socket.on(io.socket.client.Socket.EVENT_DISCONNECT, args -> seen.add(args[0]));
                  }))
          .isEqualTo("connected");
      disconnectUser(user, "maintenance of your account", false, 1);
      JSONObject error = (JSONObject) seen.poll(10, TimeUnit.SECONDS);
      assertThat(error).isNotNull();
      assertThat(error.getString("code")).isEqualTo("DISCONNECTED_NO_RECONNECT");
      assertThat(error.getString("message")).isEqualTo("maintenance of your account");
      // The reference server's reason after a server-side disconnect: clients do not reconnect.
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("io server disconnect");
    }
  }

  private static void disconnectUser(String user, String reason, boolean mayReconnect, int count) {
    admin()
        .body(Map.of("user", user, "reason", reason, "mayReconnect", mayReconnect))
        .post("/realtime/admin/disconnect")
        .then()
        .statusCode(200)
        .body("disconnected", equalTo(count));
  }

  private static String sessionOf(String user) {
    List<String> sessions =
        admin()
            .queryParam("user", user)
            .get("/realtime/admin/connections")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("connections.session");
    return sessions.isEmpty() ? null : sessions.get(0);
  }

  private ParleyClient javaClient(String user, Transport transport) {
    return ParleyClient.builder()
        .serverUrl(base.toString())
        .tokenSupplier(TokenSupplier.of(TestTokens.grants(user, List.of("*"), List.of("*"))))
        .transports(transport)
        .connectTimeout(Duration.ofSeconds(5))
        .backoff(
            BackoffPolicy.exponentialFullJitter(
                Duration.ofMillis(100), Duration.ofMillis(300), new SplittableRandom(7)))
        .build();
  }
}
