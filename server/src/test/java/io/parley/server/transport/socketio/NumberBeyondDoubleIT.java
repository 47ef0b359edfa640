package io.parley.server.transport.socketio;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.WsTestClient;
import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * A published number beyond the double range ({@code 1e400}) is refused as bad input naming its
 * field on every transport, rather than read as Infinity and passed on as the string {@code
 * "Infinity"}. Here, beside the raw Socket.IO client, because all three read publish data through
 * the protocol's {@code FieldReader}.
 */
@QuarkusTest
class NumberBeyondDoubleIT {
  private static final String DATA = "{\"x\":[0.5,1e400]}";

  @TestHTTPResource("/")
  URL base;

  @Test
  void nativeWebSocketPublishGetsInvalidFieldNamingThePath() {
    try (WsTestClient client = WsTestClient.greeted(base.toString(), "beyond-double-ws")) {
      client.sendText(
          "{\"type\":\"publish\",\"id\":\"p-1\",\"channel\":\"beyond\",\"event\":\"e\",\"data\":"
              + DATA
              + "}");

      ServerFrame.Error error = client.expect(ServerFrame.Error.class);
      assertThat(error.code()).isEqualTo(ErrorCode.INVALID_FIELD);
      assertThat(error.field()).isEqualTo("data.x[1]");
      assertThat(error.message()).contains("range of a double");
    }
  }

  @Test
  void httpPublishGetsA400ProblemNamingThePath() {
    given()
        .contentType("application/json")
        .body("{\"channel\":\"beyond\",\"event\":\"e\",\"data\":" + DATA + "}")
        .when()
        .post("/realtime/publish")
        .then()
        .statusCode(400)
        .body("code", equalTo("INVALID_FIELD"))
        .body("field", equalTo("data.x[1]"))
        .body("detail", startsWith("data.x[1] must be a number within the range of a double"));
  }

  @Test
  void socketIoPublishIsAckedWithInvalidFieldNamingThePath() {
    RawEngineClient client = new RawEngineClient(SocketIoRoutes.PATH);
    client.handshake();
    client.push("40");
    assertThat(client.pollUntilData()).startsWith("40{\"sid\":");

    client.push(
        "421[\"publish\",{\"id\":\"p-1\",\"channel\":\"beyond\",\"event\":\"e\",\"data\":"
            + DATA
            + "}]");

    String ack = client.pollUntilData();
    assertThat(ack).startsWith("431[");
    JsonNode error = SocketJson.parse(ack.substring(3)).get(0).get("error");
    assertThat(error.get("code").asText()).isEqualTo("INVALID_FIELD");
    assertThat(error.get("field").asText()).isEqualTo("data.x[1]");
  }
}
