package io.parley.server.transport.socketio;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code realtime.socketio.serve-client=false}: no client files, Socket.IO as before. */
@QuarkusTest
@TestProfile(ServeClientOffProfile.class)
class ServedClientOffIT {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "socket.io.js",
        "socket.io.js.map",
        "socket.io.min.js",
        "socket.io.min.js.map",
        "socket.io.esm.min.js",
        "socket.io.esm.min.js.map"
      })
  void answersNotFoundForEveryClientFile(String file) {
    given().when().get(SocketIoRoutes.PATH + file).then().statusCode(404);
  }

  @Test
  void stillServesEngineIo() {
    RawEngineClient engine = new RawEngineClient(SocketIoRoutes.PATH);

    assertThat(engine.handshake().get("sid").asText()).isNotEmpty();
  }
}
