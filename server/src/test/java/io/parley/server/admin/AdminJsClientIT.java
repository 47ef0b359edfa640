package io.parley.server.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.testing.TestTokens;
import io.parley.server.transport.socketio.NodeScript;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official JS client {@code socket.io-client} 4.x, unmodified, under Node ({@code
 * src/test/js/admin.js}) while the admin API broadcasts to it and disconnects it: it receives the
 * notice, the reason, and, when told not to come back, the reference server's {@code io server
 * disconnect} after which it stays away; when allowed back it reconnects by itself.
 */
@QuarkusTest
class AdminJsClientIT {
  private static final String ADMIN = TestTokens.claims("ops").groups(Set.of("admin")).sign();

  @TestHTTPResource("/")
  URL base;

  /** What the script prints after CONNECTED, told not to come back or allowed back. */
  static Stream<Arguments> outcomes() {
    String broadcast = "BROADCAST notice {\"text\":\"maintenance at 22:00\"}";
    return Stream.of(
        Arguments.of(
            false,
            List.of(
                broadcast,
                "ERROR DISCONNECTED_NO_RECONNECT account closed",
                "DISCONNECT io server disconnect active=false")),
        Arguments.of(
            true,
            List.of(
                broadcast,
                "ERROR DISCONNECTED_BY_ADMIN account closed",
                "DISCONNECT transport close active=true",
                "RECONNECTED")));
  }

  @ParameterizedTest(name = "mayReconnect={0}")
  @MethodSource("outcomes")
  void officialJsClientGetsTheBroadcastAndTheReasonThenStaysAwayOrComesBack(
      boolean mayReconnect, List<String> expected) throws Exception {
    NodeScript.Run run = runScript(mayReconnect ? "js-again" : "js-final", mayReconnect);
    assertThat(run.lines()).containsExactlyElementsOf(expected);
    assertThat(run.exitValue()).isZero();
  }

  private NodeScript.Run runScript(String user, boolean mayReconnect) throws Exception {
    String token = TestTokens.grants(user, List.of("*"), List.of());
    return NodeScript.run(
        "admin.js",
        line -> {
          if (line.equals("CONNECTED")) {
            post(
                "broadcast",
                Map.of("event", "notice", "data", Map.of("text", "maintenance at 22:00")));
            return true;
          }
          if (line.equals("READY")) {
            post(
                "disconnect",
                Map.of("user", user, "reason", "account closed", "mayReconnect", mayReconnect));
            return true;
          }
          return false;
        },
        base.toString().replaceAll("/$", ""),
        token,
        mayReconnect ? "again" : "final");
  }

  private static void post(String endpoint, Map<String, Object> body) {
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .contentType("application/json")
        .body(body)
        .post("/realtime/admin/" + endpoint)
        .then()
        .statusCode(200);
  }
}
