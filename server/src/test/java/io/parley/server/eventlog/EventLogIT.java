package io.parley.server.eventlog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.TestTokens;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /realtime/admin/events} against real connections: what a client's connect and
 * disconnect, a refused token and an admin action write, paging, and every bad parameter's 400.
 */
@QuarkusTest
class EventLogIT {
  private static final String ADMIN = TestTokens.claims("ops").groups(Set.of("admin")).sign();

  @TestHTTPResource("/")
  URL base;

  private static JsonPath events(long after) {
    return given()
        .header("Authorization", "Bearer " + ADMIN)
        .get("/realtime/admin/events?after=" + after + "&limit=10000")
        .then()
        .statusCode(200)
        .contentType("application/json")
        .extract()
        .jsonPath();
  }

  private static long last() {
    return events(0).getLong("last");
  }

  private static List<Map<String, Object>> eventsOf(long after, String kind, String session) {
    return events(after).<Map<String, Object>>getList("events").stream()
        .filter(e -> kind.equals(e.get("kind")))
        .filter(e -> session == null || session.equals(e.get("session")))
        .toList();
  }

  @Test
  void aClientsConnectAndDisconnectAreLoggedWithUserSessionTransportAndReason() {
    long before = last();
    String token = TestTokens.grants("eventlog-alice", List.of("*"), List.of("*"));
    String session;
    try (WsTestClient ws = WsTestClient.connect(base.toString())) {
      ws.send(new ClientFrame.Hello(token, "eventlog-it"));
      session = ws.expect(ServerFrame.Welcome.class).sessionId();
      List<Map<String, Object>> connected = eventsOf(before, "CONNECTED", session);
      assertThat(connected).hasSize(1);
      Map<String, Object> event = connected.get(0);
      assertThat(event)
          .containsEntry("user", "eventlog-alice")
          .containsEntry("transport", "WEBSOCKET")
          .containsEntry("reason", null)
          .containsKeys("id", "at", "detail");
      assertThat(((Number) event.get("id")).longValue()).isGreaterThan(before);
      assertThat(Instant.parse((String) event.get("at"))).isBeforeOrEqualTo(Instant.now());
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(eventsOf(before, "DISCONNECTED", session))
                    .singleElement()
                    .satisfies(
                        e ->
                            assertThat(e)
                                .containsEntry("user", "eventlog-alice")
                                .containsEntry("transport", "WEBSOCKET")
                                .containsEntry("reason", "client_close")));
  }

  @Test
  void aRefusedTokenIsLoggedAsAnAuthenticationFailureWithoutAUser() {
    long before = last();
    given()
        .header("Authorization", "Bearer " + TestTokens.expired("eventlog-bob"))
        .contentType("application/json")
        .body("{\"clientId\":\"c\",\"subscriptions\":{\"jobs:1\":null},\"waitMs\":0}")
        .post("/realtime/poll")
        .then()
        .statusCode(401);
    assertThat(eventsOf(before, "AUTH_FAILED", null))
        .anySatisfy(
            e ->
                assertThat(e)
                    .containsEntry("user", null)
                    .containsEntry("reason", "TOKEN_EXPIRED")
                    .containsEntry("transport", null));
  }

  @Test
  void anAdminActionIsLoggedWithTheOperatorAndItsResult() {
    long before = last();
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .contentType("application/json")
        .body("{\"session\":\"no-such-session\",\"reason\":\"tidy up\",\"mayReconnect\":true}")
        .post("/realtime/admin/disconnect")
        .then()
        .statusCode(200);
    assertThat(eventsOf(before, "ADMIN_ACTION", "no-such-session"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .containsEntry("user", "ops")
                    .containsEntry("reason", "disconnect")
                    .containsEntry(
                        "detail",
                        "disconnected 0 sessions of session no-such-session (may reconnect): tidy"
                            + " up"));
  }

  @Test
  void afterAndLimitPageTheLogOldestFirst() {
    long before = last();
    for (int i = 0; i < 3; i++) {
      given().get("/realtime/admin/stats").then().statusCode(401); // each one is logged
    }
    JsonPath page =
        given()
            .header("Authorization", "Bearer " + ADMIN)
            .get("/realtime/admin/events?after=" + before + "&limit=2")
            .then()
            .statusCode(200)
            .body("lost", equalTo(0))
            .extract()
            .jsonPath();
    assertThat(page.getList("events.id", Long.class)).containsExactly(before + 1, before + 2);
    assertThat(page.getLong("last")).isGreaterThanOrEqualTo(before + 3);
    assertThat(page.getList("events.kind", String.class)).containsOnly("AUTH_FAILED");
  }

  @Test
  void withoutATokenTheLogIs401() {
    given()
        .get("/realtime/admin/events")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("code", equalTo("TOKEN_MISSING"));
  }

  @ParameterizedTest
  @CsvSource({
    "after=-1, after",
    "after=abc, after",
    "after=1.5, after",
    "after=, after",
    "limit=0, limit",
    "limit=10001, limit",
    "limit=x, limit"
  })
  void everyBadParameterIs400NamingIt(String query, String field) {
    ValidatableResponse response =
        given()
            .header("Authorization", "Bearer " + ADMIN)
            .urlEncodingEnabled(false)
            .get("/realtime/admin/events?" + query)
            .then();
    response
        .statusCode(400)
        .contentType("application/problem+json")
        .body("code", equalTo("INVALID_FIELD"))
        .body("field", equalTo(field));
  }
}
