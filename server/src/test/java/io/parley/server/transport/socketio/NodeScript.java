package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a script of {@code src/test/js} under Node, where the build's {@code npm ci} installed the
 * official JS client. Not thread-safe; one run per call.
 */
public final class NodeScript {
  private static final Path SCRIPT_DIR = Path.of("src", "test", "js");

  /** A finished run: the lines the script printed (less those consumed) and its exit code. */
  public record Run(List<String> lines, int exitValue) {}

  private NodeScript() {}

  /**
   * Runs {@code script} with {@code args} to its end, its stderr merged into its output.
   *
   * @param consumed handles a line as it is printed and returns {@code true} to keep it out of
   *     {@link Run#lines()}; the script waits meanwhile when it expects an answer
   * @throws AssertionError when the client is not installed or the script does not end within 30
   *     seconds (every step of our scripts has its own, shorter timeout)
   */
  public static Run run(String script, Predicate<String> consumed, String... args)
      throws IOException, InterruptedException {
    assertThat(SCRIPT_DIR.resolve("node_modules/socket.io-client"))
        .as("run the build's npm ci (generate-resources) first")
        .isDirectory();
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    Process node =
        new ProcessBuilder(command)
            .directory(SCRIPT_DIR.toFile())
            .redirectErrorStream(true)
            .start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (!consumed.test(line)) {
          lines.add(line);
        }
      }
    }
    boolean finished = node.waitFor(30, TimeUnit.SECONDS);
    if (!finished) {
      node.destroyForcibly();
    }
    assertThat(finished).as("node finished: %s", lines).isTrue();
    return new Run(lines, node.exitValue());
  }
}
