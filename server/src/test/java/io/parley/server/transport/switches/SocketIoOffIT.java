package io.parley.server.transport.switches;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.parley.protocol.ServerFrame;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** {@code realtime.transports.socketio} off: {@code /socket.io/} is absent, the others work. */
@QuarkusTest
@TestProfile(SocketIoOffProfile.class)
class SocketIoOffIT {
  @TestHTTPResource("/")
  URL base;

  private final int port =
      ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);

  @Test
  void socketIoAnswers404NamingItsSetting() {
    given()
        .queryParam("EIO", "4")
        .queryParam("transport", "polling")
        .when()
        .get("/socket.io/")
        .then()
        .statusCode(404)
        .body("code", equalTo("TRANSPORT_DISABLED"))
        .body("detail", containsString("realtime.transports.socketio=false"));
  }

  @Test
  void theOfficialJsClientCannotConnectOverEitherTransport() {
    assertThat(OfficialJsClient.attempts(port))
        .containsExactly(
            "polling,websocket: connect_error",
            "polling: connect_error",
            "websocket: connect_error");
  }

  @Test
  void theNativeWebSocketStillServes() {
    try (WsTestClient client = WsTestClient.greeted(base.toString(), "still-here")) {
      client.send(new io.parley.protocol.ClientFrame.Ping(7));
      assertThat(client.awaitFrame(ServerFrame.Pong.class, p -> true).ts()).isEqualTo(7);
    }
  }
}
