package io.parley.server.transport.compression;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.testing.RawWebSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code realtime.websocket-compression} off (the default), nothing is ever deflated. */
@QuarkusTest
class WebSocketCompressionOffIT {
  @TestHTTPResource("/")
  URL base;

  @Test
  void aClientOfferingDeflateGetsNoExtensionAndPlainFrames() throws Exception {
    String channel = "deflate-off-it:1";
    try (RawWebSocket ws =
        RawWebSocket.open(base.toString(), "/socket.io/?EIO=4&transport=websocket", true)) {
      assertThat(ws.extensions()).isNull();
      assertThat(ws.receive().text()).startsWith("0{");
      ws.send("40");
      assertThat(ws.receive().text()).startsWith("40{");
      ws.send("421[\"subscribe\",{\"channel\":\"" + channel + "\"}]");
      assertThat(ws.receive().text()).startsWith("431[");

      String large = "z".repeat(5000);
      given()
          .contentType("application/json")
          .body(Map.of("channel", channel, "event", "e", "data", large))
          .post("/realtime/publish")
          .then()
          .statusCode(200);

      RawWebSocket.Message received = ws.receive();
      assertThat(received.compressed()).isFalse();
      assertThat(received.text()).contains(large);
    }
  }
}
