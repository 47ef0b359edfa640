package io.parley.server.drain;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.parley.client.ParleyClient;
import io.parley.client.StatusChanged;
import io.parley.client.TokenSupplier;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.server.hub.Hub;
import io.parley.server.testing.SocketIoTestClients;
import io.parley.server.testing.TestTokens;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * A drain of one node, end to end on every transport: hints spread by the seeded per-session delay,
 * a waiting long-poll answered, newcomers refused with 503 and {@code Retry-After} on every
 * transport, the Java client migrating on its hint, and what is left closed at the deadline.
 */
@QuarkusTest
@TestProfile(DrainProfile.class)
class DrainIT {
  private static final String ADMIN = TestTokens.claims("ops").groups(Set.of("admin")).sign();
  private static final Duration SPREAD = Duration.ofSeconds(2);

  @TestHTTPResource("/")
  URL base;

  @Inject Hub hub;
  @Inject Drain drain;

  @Test
  void drainHintsEveryoneSpreadAnswersLongPollsRefusesNewcomersAndClosesAtTheDeadline()
      throws Exception {
    List<WsTestClient> natives = new ArrayList<>();
    List<String> sessions = new ArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    List<StatusChanged> javaChanges = new CopyOnWriteArrayList<>();
    ParleyClient java =
        ParleyClient.builder()
            .serverUrl(base.toString())
            .tokenSupplier(TokenSupplier.of(TestTokens.grants("drained", List.of("*"), List.of())))
            .transports(Transport.WEBSOCKET)
            .backoff(
                BackoffPolicy.exponentialFullJitter(
                    Duration.ofMillis(100), Duration.ofMillis(300), new SplittableRandom(3)))
            .build();
    try (SocketIoTestClients socketIo = new SocketIoTestClients(base)) {
      for (int i = 0; i < 8; i++) {
        WsTestClient ws = WsTestClient.connect(base.toString());
        ws.send(new io.parley.protocol.ClientFrame.Hello(null, "drain-" + i));
        sessions.add(ws.expect(ServerFrame.Welcome.class).sessionId());
        natives.add(ws);
      }
      BlockingQueue<JSONObject> socketIoHints = new LinkedBlockingQueue<>();
      assertThat(
              socketIo.connect(
                  null,
                  "websocket",
                  socket ->
                      socket.on("reconnect", args -> socketIoHints.add((JSONObject) args[0]))))
          .isEqualTo("connected");
      java.addListener(
          new io.parley.client.ClientListener() {
            @Override
            public void onStatusChanged(StatusChanged event) {
              javaChanges.add(event);
            }
          });
      java.connect().toCompletableFuture().join();
      CompletableFuture<HttpResponse<String>> longPoll =
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "realtime/poll"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"clientId\":\"lp\",\"subscriptions\":{\"drain:lp\":null},"
                              + "\"waitMs\":25000}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      int open = hub.sessionCount();

      given()
          .header("Authorization", "Bearer " + ADMIN)
          .contentType("application/json")
          .body("{\"deadlineMs\":6000}")
          .post("/realtime/admin/drain")
          .then()
          .statusCode(202)
          .body("draining", equalTo(true))
          .body("sessions", equalTo(open))
          .body("hinted", equalTo(open))
          .body("spreadMs", equalTo((int) SPREAD.toMillis()))
          .body("deadlineMs", equalTo(6000));
      assertThat(drain.draining()).isTrue();
      // Readiness went DOWN first, so that a load balancer sends no newcomers here.
      given()
          .get("/q/health/ready")
          .then()
          .statusCode(503)
          .body("checks.find { it.name == 'parley' }.data.held", equalTo("draining"));

      // Every native client gets its own delay, the one its session id and the seed give.
      DrainSpread spread = new DrainSpread(DrainProfile.SEED, SPREAD);
      List<Long> delays = new ArrayList<>();
      for (int i = 0; i < natives.size(); i++) {
        ServerFrame.Reconnect hint =
            natives.get(i).awaitFrame(ServerFrame.Reconnect.class, frame -> true);
        assertThat(hint.afterMs()).isEqualTo(spread.delayMillis(sessions.get(i)));
        assertThat(hint.afterMs()).isBetween(0L, SPREAD.toMillis() - 1);
        assertThat(hint.reason()).contains("draining");
        delays.add(hint.afterMs());
      }
      assertThat(delays.stream().distinct().count()).as("spread, not one instant").isGreaterThan(4);

      JSONObject socketIoHint = socketIoHints.poll(10, TimeUnit.SECONDS);
      assertThat(socketIoHint).isNotNull();
      assertThat(socketIoHint.getLong("afterMs")).isBetween(0L, SPREAD.toMillis() - 1);

      HttpResponse<String> answered = longPoll.get(5, TimeUnit.SECONDS);
      assertThat(answered.statusCode()).isEqualTo(200);

      // Newcomers: 503 with Retry-After on every transport; the admin API still answers.
      refused(given().get("/ws").then());
      refused(given().get("/socket.io/?EIO=4&transport=polling").then());
      refused(
          given()
              .contentType("application/json")
              .body("{\"clientId\":\"late\",\"subscriptions\":{\"a\":null},\"waitMs\":0}")
              .post("/realtime/poll")
              .then());
      given()
          .header("Authorization", "Bearer " + ADMIN)
          .get("/realtime/admin/stats")
          .then()
          .statusCode(200)
          .body("draining", equalTo(true));

      // The Java client reacts to its hint: it tries to migrate (refused here, no second node),
      // then, when the deadline closes its connection, it reconnects rather than failing.
      drain.finished().get(15, TimeUnit.SECONDS);
      // Closed at the deadline: the transports then end their sessions.
      await().atMost(Duration.ofSeconds(5)).until(() -> hub.sessionCount() == 0);
      for (WsTestClient ws : natives) {
        ServerFrame.Error closing = ws.awaitFrame(ServerFrame.Error.class, frame -> true);
        assertThat(closing.code()).isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
        ws.awaitClose();
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  javaChanges.stream()
                      .anyMatch(change -> change.to() == ConnectionStatus.RECONNECTING));
      assertThat(java.status()).isNotEqualTo(ConnectionStatus.FAILED);
    } finally {
      java.close().toCompletableFuture().join();
      natives.forEach(WsTestClient::close);
    }
  }

  private static void refused(ValidatableResponse response) {
    response
        .statusCode(503)
        .header("Retry-After", "1")
        .contentType("application/problem+json")
        .body("code", equalTo("SERVER_UNAVAILABLE"));
  }
}
