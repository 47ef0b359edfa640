package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official JS client {@code socket.io-client} 4.x, unmodified, run under Node against the
 * server by {@code src/test/js/interop.js} (installed by the build's {@code npm ci}). The script
 * prints {@code DROP} when the test should drop every connection, as a restart would.
 */
@QuarkusTest
class JsClientInteropIT {
  private static final Path SCRIPT_DIR = Path.of("src", "test", "js");

  @Inject SocketIoNamespaces namespaces;
  @Inject SocketIoRoutes routes;

  @BeforeEach
  void handlers() {
    TestHandlers.install(namespaces);
  }

  @Test
  void officialJsClientPassesEveryScenario() throws IOException, InterruptedException {
    assertThat(SCRIPT_DIR.resolve("node_modules/socket.io-client"))
        .as("run the build's npm ci (generate-test-resources) first")
        .isDirectory();
    Process node =
        new ProcessBuilder(
                "node", "interop.js", "http://127.0.0.1:" + RawEngineClient.port(), "echo")
            .directory(SCRIPT_DIR.toFile())
            .redirectErrorStream(true)
            .start();
    List<String> lines = new ArrayList<>();
    // Every step of the script has its own timeout, so its output ends.
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.equals("DROP")) {
          routes.closeAllConnections();
        } else {
          lines.add(line);
        }
      }
    }
    boolean finished = node.waitFor(30, TimeUnit.SECONDS);
    if (!finished) {
      node.destroyForcibly();
    }

    assertThat(finished).as("node finished: %s", lines).isTrue();
    assertThat(lines)
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
    assertThat(node.exitValue()).isZero();
  }
}
