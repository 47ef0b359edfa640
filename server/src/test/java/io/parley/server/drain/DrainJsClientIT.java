package io.parley.server.drain;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.testing.TestTokens;
import io.parley.server.transport.socketio.NodeScript;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The official JS client {@code socket.io-client} 4.x, unmodified, under Node ({@code
 * src/test/js/admin.js}), receives a draining node's {@code reconnect} hint as a Socket.IO event,
 * with a delay inside the configured spread.
 */
@QuarkusTest
@TestProfile(DrainJsClientIT.OwnNode.class)
class DrainJsClientIT {
  private static final String ADMIN = TestTokens.claims("ops").groups(Set.of("admin")).sign();

  /** A node of its own: a drained node admits nobody again. */
  public static class OwnNode extends DrainProfile {}

  @TestHTTPResource("/")
  URL base;

  @Test
  void officialJsClientReceivesTheReconnectHint() throws Exception {
    NodeScript.Run run =
        NodeScript.run(
            "admin.js",
            line -> {
              if (line.equals("CONNECTED")) {
                given()
                    .header("Authorization", "Bearer " + ADMIN)
                    .post("/realtime/admin/drain")
                    .then()
                    .statusCode(202);
                return true;
              }
              return false;
            },
            base.toString().replaceAll("/$", ""),
            TestTokens.grants("js-drained", List.of("*"), List.of()),
            "drain");

    assertThat(run.lines()).hasSize(1);
    assertThat(run.lines().get(0)).startsWith("HINT ");
    long afterMs = Long.parseLong(run.lines().get(0).substring("HINT ".length()));
    assertThat(afterMs).isBetween(0L, 1_999L); // DrainProfile: spread 2 s
    assertThat(run.exitValue()).isZero();
  }
}
