package io.parley.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/** One line per connect, disconnect, transport change and authentication failure, with fields. */
@QuarkusTest
class ConnectionLogIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TestHTTPResource("/")
  URL base;

  @Test
  void aWebSocketConnectAndDisconnectAreOneLineEachWithSessionTransportAndAddress() {
    try (LogCapture capture = LogCapture.of(ConnectionLog.CATEGORY)) {
      try (WsTestClient ws = WsTestClient.greeted(base.toString(), "log-ws")) {
        Awaitility.await().atMost(WAIT).until(() -> !capture.starting("connected ").isEmpty());
      }
      Awaitility.await().atMost(WAIT).until(() -> !capture.starting("disconnected ").isEmpty());

      ExtLogRecord connected = only(capture.starting("connected session="));
      String session = connected.getMdc("parley.session");
      assertThat(session).isNotBlank();
      assertThat(connected.getLevel().getName()).isEqualTo("INFO");
      assertThat(connected.getMdc("parley.transport")).isEqualTo("websocket");
      assertThat(connected.getMdc("parley.address")).isEqualTo("127.0.0.1");

      ExtLogRecord disconnected = only(capture.starting("disconnected session=" + session));
      assertThat(disconnected.getMdc("parley.reason")).isIn("client_close", "transport_close");
      assertThat(Long.parseLong(disconnected.getMdc("parley.durationMs"))).isNotNegative();
      assertThat(disconnected.getFormattedMessage()).contains("duration=");
    }
  }

  @Test
  void anEngineIoUpgradeIsLoggedAsATransportChange() {
    try (LogCapture capture = LogCapture.of(ConnectionLog.CATEGORY)) {
      Socket socket =
          IO.socket(
              URI.create(base.toString()),
              IO.Options.builder()
                  .setTransports(new String[] {"polling", "websocket"})
                  .setForceNew(true)
                  .setReconnection(false)
                  .build());
      try {
        socket.connect();
        Awaitility.await()
            .atMost(WAIT)
            .until(() -> !capture.containing("transport changed").isEmpty());
      } finally {
        socket.close();
      }
      ExtLogRecord changed = only(capture.containing("transport changed"));
      assertThat(changed.getMdc("parley.transport")).isEqualTo("socketio-websocket");
      assertThat(changed.getFormattedMessage()).contains("from=socketio-polling");
    }
  }

  @Test
  void aRefusedTokenIsAWarningNamingItsCodeAndAddress() {
    try (LogCapture capture = LogCapture.of(ConnectionLog.CATEGORY)) {
      io.restassured.RestAssured.given()
          .contentType("application/json")
          .header("Authorization", "Bearer not.a.jwt")
          .body("{\"channel\":\"log-auth\",\"event\":\"e\",\"data\":1}")
          .post("/realtime/publish")
          .then()
          .statusCode(401);

      ExtLogRecord failed = only(capture.containing("authentication failed"));
      assertThat(failed.getLevel().getName()).isEqualTo("WARN");
      assertThat(failed.getMdc("parley.code")).startsWith("TOKEN_");
      assertThat(failed.getMdc("parley.transport")).isEqualTo("http");
      assertThat(failed.getMdc("parley.address")).isEqualTo("127.0.0.1");
    }
  }

  private static ExtLogRecord only(List<ExtLogRecord> records) {
    assertThat(records).hasSize(1);
    return records.get(0);
  }
}
