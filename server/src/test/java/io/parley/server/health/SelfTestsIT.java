package io.parley.server.health;

import static io.parley.server.testing.SocketIoTestClients.call;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.SocketIoTestClients;
import io.parley.server.testing.WsTestClient;
import io.parley.server.transport.TransportSwitches;
import io.parley.server.transport.TransportSwitches.Switch;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.socket.client.Socket;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.json.JSONException;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The self-tests follow transports switched off at run time: {@code DEGRADED}, then {@code
 * CRITICAL} with readiness DOWN, then {@code HEALTHY} again; liveness stays UP throughout. Probe
 * channels are refused to clients, and probe messages never reach them.
 */
@QuarkusTest
@TestProfile(HealthProfile.class)
class SelfTestsIT {
  /** Several self-test intervals (300 ms) on a loaded 2-core machine. */
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TestHTTPResource("/")
  URL base;

  @Inject TransportSwitches switches;
  @Inject ReadinessGates gates;
  @Inject SelfTests selfTests;

  @AfterEach
  void restore() {
    switches.reset();
    gates.open("test");
  }

  @Test
  void statusFollowsTransportsSwitchedOffAtRunTimeAndReadinessFollowsTheStatus() {
    JsonPath healthy = awaitStatus("HEALTHY");
    for (String transport :
        new String[] {"SOCKET_IO", "WEBSOCKET", "HTTP_LONG_POLL", "HTTP_POLL"}) {
      assertThat(healthy.getString("transports." + transport + ".state")).isEqualTo("ok");
      assertThat(healthy.getLong("transports." + transport + ".latencyMs")).isNotNegative();
      assertThat(healthy.getString("transports." + transport + ".checkedAt")).isNotNull();
    }
    assertThat(healthy.getString("node")).isNotBlank();
    assertThat(healthy.getString("version")).isEqualTo("0.1.0-SNAPSHOT");
    assertReady(200, "UP", "HEALTHY");

    switches.set(Switch.WEBSOCKET, false);
    JsonPath degraded = awaitStatus("DEGRADED");
    assertThat(degraded.getString("transports.WEBSOCKET.state")).isEqualTo("failed");
    assertThat(degraded.getString("transports.WEBSOCKET.error")).contains("404");
    assertThat(degraded.getString("transports.SOCKET_IO.state")).isEqualTo("ok");
    assertReady(200, "UP", "DEGRADED");

    switches.set(Switch.SOCKETIO, false);
    JsonPath critical = awaitStatus("CRITICAL");
    assertThat(critical.getString("transports.SOCKET_IO.state")).isEqualTo("failed");
    assertThat(critical.getString("transports.HTTP_LONG_POLL.state")).isEqualTo("ok");
    given().get("/realtime/status").then().statusCode(503).body("status", equalTo("CRITICAL"));
    assertReady(503, "DOWN", "CRITICAL");
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));

    switches.reset();
    awaitStatus("HEALTHY");
    assertReady(200, "UP", "HEALTHY");
    given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void aClosedGateHoldsReadinessDownWithItsReasonWhileTheNodeIsHealthy() {
    awaitStatus("HEALTHY");
    gates.close("test");
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("checks.find { it.name == 'parley' }.data.held", equalTo("test"));
    given().get("/q/health/live").then().statusCode(200);
    gates.open("test");
    assertReady(200, "UP", "HEALTHY");
  }

  @Test
  void probeChannelsAreRefusedOverHttpWithAClearError() {
    given()
        .contentType("application/json")
        .body("{\"channel\":\"_probe:x\",\"event\":\"e\",\"data\":1}")
        .post("/realtime/publish")
        .then()
        .statusCode(403)
        .body("code", equalTo("CHANNEL_RESERVED"))
        .body("detail", containsString("reserved for the server's self-tests"));
    given()
        .contentType("application/json")
        .body("{\"clientId\":\"c\",\"subscriptions\":{\"_probe:x\":null}}")
        .post("/realtime/poll")
        .then()
        .statusCode(403)
        .body("code", equalTo("CHANNEL_RESERVED"))
        .body("detail", containsString("_probe:"));
  }

  @Test
  void probeTrafficIsLeftOutOfTheMessageMetrics() {
    int rounds = selfTests.rounds();
    double published = meterSum("parley_messages_published_total");
    double delivered = meterSum("parley_deliveries_total");
    // Every round publishes and delivers probes over each transport.
    Awaitility.await().atMost(WAIT).until(() -> selfTests.rounds() >= rounds + 2);
    assertThat(meterSum("parley_messages_published_total")).isEqualTo(published);
    assertThat(meterSum("parley_deliveries_total")).isEqualTo(delivered);
  }

  @Test
  void theLastRoundIsInTheMetricsPerTransport() {
    Awaitility.await().atMost(WAIT).until(() -> selfTests.rounds() >= 1);
    for (String transport : List.of("socket_io", "websocket", "http_long_poll", "http_poll")) {
      String labels = "{transport=\"" + transport + "\"}";
      Awaitility.await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(meterSum("parley_selftest_passing" + labels)).isEqualTo(1.0));
      assertThat(meterSum("parley_selftest_latency_seconds" + labels)).isGreaterThan(0.0);
    }
  }

  private static double meterSum(String name) {
    double sum = 0;
    for (String line :
        given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
      if (line.startsWith(name.contains("{") ? name : name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  @Test
  void probeChannelsAreRefusedOverSocketIoWithAClearError() throws JSONException {
    try (SocketIoTestClients clients = new SocketIoTestClients(base)) {
      Socket socket = clients.connected(null, "websocket", listeners -> {});
      for (String event : List.of("subscribe", "publish")) {
        JSONObject refused =
            call(
                socket,
                event,
                new JSONObject()
                    .put("id", "p1")
                    .put("channel", "_probe:x")
                    .put("event", "e")
                    .put("data", 1));
        JSONObject error = refused.getJSONObject("error");
        assertThat(error.getString("code")).as(event).isEqualTo("CHANNEL_RESERVED");
        assertThat(error.getString("message")).contains("reserved for the server's self-tests");
      }
    }
  }

  @Test
  void probeChannelsAreRefusedOnTheWebSocketAndProbeMessagesNeverReachAWildcardUser() {
    try (WsTestClient client = WsTestClient.greeted(base.toString(), "watcher")) {
      client.send(new ClientFrame.Subscribe("s1", "_probe:x", null));
      ServerFrame.Error subscribe = client.expect(ServerFrame.Error.class);
      assertThat(subscribe.code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
      assertThat(subscribe.message()).contains("reserved for the server's self-tests");
      client.send(
          new ClientFrame.Publish("p1", "_probe:x", "e", JsonNodeFactory.instance.numberNode(1)));
      assertThat(client.expect(ServerFrame.Error.class).code())
          .isEqualTo(ErrorCode.CHANNEL_RESERVED);

      // Anonymous access here has subscribe=* and the publisher role; rounds of probes run while
      // it listens, and the first message it then gets is its own marker.
      client.send(new ClientFrame.Subscribe("s2", "watch", null));
      client.expect(ServerFrame.Subscribed.class);
      int rounds = selfTests.rounds();
      Awaitility.await().atMost(WAIT).until(() -> selfTests.rounds() >= rounds + 3);
      client.send(
          new ClientFrame.Publish("p2", "watch", "marker", JsonNodeFactory.instance.numberNode(2)));
      ServerFrame first = client.next();
      if (first instanceof ServerFrame.Ack) {
        first = client.next();
      }
      assertThat(first).isInstanceOf(ServerFrame.Message.class);
      assertThat(((ServerFrame.Message) first).channel()).isEqualTo("watch");
    }
  }

  private static JsonPath awaitStatus(String status) {
    JsonPath[] last = new JsonPath[1];
    Awaitility.await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last[0] = given().get("/realtime/status").then().extract().jsonPath();
              return status.equals(last[0].getString("status"));
            });
    return last[0];
  }

  private static void assertReady(int code, String up, String status) {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(code)
        .body("status", equalTo(up))
        .body("checks.name", hasItem("parley"))
        .body("checks.find { it.name == 'parley' }.data.status", equalTo(status))
        .body("checks.find { it.name == 'parley' }.data.SOCKET_IO", notNullValue());
  }
}
