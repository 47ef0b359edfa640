package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official JS client {@code socket.io-client} 4.x, unmodified, run under Node against the
 * server by {@code src/test/js/interop.js} (installed by the build's {@code npm ci}). The script
 * prints {@code DROP} when the test should drop every connection, as a restart would.
 */
@QuarkusTest
class JsClientInteropIT {
  @Inject SocketIoNamespaces namespaces;
  @Inject SocketIoRoutes routes;

  @BeforeEach
  void handlers() {
    TestHandlers.install(namespaces);
  }

  @Test
  void officialJsClientPassesEveryScenario() throws IOException, InterruptedException {
    NodeScript.Run run =
        NodeScript.run(
            "interop.js",
            line -> {
              if (line.equals("DROP")) {
                routes.closeAllConnections();
                return true;
              }
              return false;
            },
            "http://127.0.0.1:" + RawEngineClient.port(),
            "echo");

    assertThat(run.lines())
        .as("node output")
        .containsExactly(
            "PASS pollingOnly",
            "PASS websocketOnly",
            "PASS upgrade",
            "PASS ackWithTimeout",
            "PASS binary",
            "PASS resumeWithSince",
            "PASS reconnectAndResume",
            "PASS badPayloadGetsErrorAck");
    assertThat(run.exitValue()).isZero();
  }
}
