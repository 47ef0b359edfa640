package io.parley.server.transport.switches;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * {@code realtime.transports.websocket}, {@code http-poll} and {@code socketio-websocket} off: each
 * behaves as if absent in its own protocol's terms, and what is left still works.
 */
@QuarkusTest
@TestProfile(TransportsOffProfile.class)
class TransportsOffIT {
  private final int port =
      ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);

  @Test
  void theNativeWebSocketAnswers404NamingItsSetting() {
    given()
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .when()
        .get("/ws")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("code", equalTo("TRANSPORT_DISABLED"))
        .body("detail", containsString("realtime.transports.websocket=false"));
  }

  @Test
  void httpPollingAnswers404NamingItsSettingWhilePublishStaysOn() {
    given()
        .contentType("application/json")
        .body("{\"clientId\":\"c\",\"subscriptions\":{\"jobs\":null}}")
        .when()
        .post("/realtime/poll")
        .then()
        .statusCode(404)
        .body("code", equalTo("TRANSPORT_DISABLED"))
        .body("detail", containsString("realtime.transports.http-poll=false"));
    given()
        .contentType("application/json")
        .body("{\"channel\":\"jobs\",\"event\":\"e\",\"data\":1}")
        .when()
        .post("/realtime/publish")
        .then()
        .statusCode(200);
  }

  @Test
  void engineIoOffersNoUpgradeAndRefusesWebSocketAsAnUnknownTransport() {
    given()
        .queryParam("EIO", "4")
        .queryParam("transport", "polling")
        .when()
        .get("/socket.io/")
        .then()
        .statusCode(200)
        .body(containsString("\"upgrades\":[]"));
    given()
        .queryParam("EIO", "4")
        .queryParam("transport", "websocket")
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .when()
        .get("/socket.io/")
        .then()
        .statusCode(400)
        .body(equalTo("{\"code\":0,\"message\":\"Transport unknown\"}"));
  }

  @Test
  void theOfficialJsClientStaysOnPollingAndCannotStartOnWebSocket() {
    assertThat(OfficialJsClient.attempts(port))
        .containsExactly(
            "polling,websocket: connected over polling, upgrades []",
            "polling: connected over polling, upgrades []",
            "websocket: connect_error");
  }
}
