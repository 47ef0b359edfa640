package io.parley.server.transport.switches;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.parley.server.transport.TransportSwitches;
import io.parley.server.transport.TransportSwitches.Switch;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TransportSwitches} turned at run time: each transport answers as its startup setting makes
 * it answer ({@link TransportsOffIT}, {@link SocketIoOffIT}), and comes back when turned on.
 */
@QuarkusTest
class RunTimeSwitchesIT {
  @Inject TransportSwitches switches;

  @AfterEach
  void restore() {
    switches.reset();
  }

  @Test
  void theNativeWebSocketAndPollingAnswer404NamingTheirSettingsThenComeBack() {
    switches.set(Switch.WEBSOCKET, false);
    switches.set(Switch.HTTP_POLL, false);
    upgrade("/ws")
        .then()
        .statusCode(404)
        .body("code", equalTo("TRANSPORT_DISABLED"))
        .body("detail", containsString("realtime.transports.websocket=false"));
    poll()
        .then()
        .statusCode(404)
        .body("code", equalTo("TRANSPORT_DISABLED"))
        .body("detail", containsString("realtime.transports.http-poll=false"));
    switches.set(Switch.HTTP_POLL, true);
    poll().then().statusCode(200);
  }

  @Test
  void engineIoWebSocketOffOffersNoUpgradeAndIsAnUnknownTransport() {
    switches.set(Switch.SOCKETIO_WEBSOCKET, false);
    handshake().then().statusCode(200).body(containsString("\"upgrades\":[]"));
    upgrade("/socket.io/?EIO=4&transport=websocket")
        .then()
        .statusCode(400)
        .body(equalTo("{\"code\":0,\"message\":\"Transport unknown\"}"));
    switches.reset();
    handshake().then().statusCode(200).body(containsString("\"upgrades\":[\"websocket\"]"));
  }

  @Test
  void engineIoPollingOffIsAnUnknownTransport() {
    switches.set(Switch.SOCKETIO_POLLING, false);
    handshake()
        .then()
        .statusCode(400)
        .body(equalTo("{\"code\":0,\"message\":\"Transport unknown\"}"));
  }

  @Test
  void socketIoOffAnswers404NamingItsSetting() {
    switches.set(Switch.SOCKETIO, false);
    handshake()
        .then()
        .statusCode(404)
        .body("code", equalTo("TRANSPORT_DISABLED"))
        .body("detail", containsString("realtime.transports.socketio=false"));
  }

  @Test
  void turningOffTheLastTransportIsRefusedAndChangesNothing() {
    switches.set(Switch.SOCKETIO, false);
    switches.set(Switch.WEBSOCKET, false);
    assertThatThrownBy(() -> switches.set(Switch.HTTP_POLL, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("realtime.transports.http-poll")
        .hasMessageContaining("no transport");
    poll().then().statusCode(200);
  }

  private static io.restassured.response.Response handshake() {
    return given().queryParam("EIO", "4").queryParam("transport", "polling").get("/socket.io/");
  }

  private static io.restassured.response.Response poll() {
    return given()
        .contentType("application/json")
        .body("{\"clientId\":\"c\",\"subscriptions\":{\"jobs\":null}}")
        .post("/realtime/poll");
  }

  private static io.restassured.response.Response upgrade(String path) {
    return given()
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .urlEncodingEnabled(false)
        .get(path);
  }
}
