package io.parley.server.transport.switches;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code src/test/js/switches.js}: the official JS client with each transports option. */
final class OfficialJsClient {
  private static final Path SCRIPT_DIR = Path.of("src", "test", "js");

  private OfficialJsClient() {}

  /** One line per attempt, in the script's order: both transports, polling, websocket. */
  static List<String> attempts(int port) {
    assertThat(SCRIPT_DIR.resolve("node_modules/socket.io-client"))
        .as("run the build's npm ci (generate-test-resources) first")
        .isDirectory();
    try {
      Process node =
          new ProcessBuilder("node", "switches.js", "http://127.0.0.1:" + port)
              .directory(SCRIPT_DIR.toFile())
              .redirectErrorStream(true)
              .start();
      List<String> lines = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      }
      boolean finished = node.waitFor(60, TimeUnit.SECONDS);
      if (!finished) {
        node.destroyForcibly();
      }
      assertThat(finished).as("node finished: %s", lines).isTrue();
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
