package io.parley.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard page in Debian's headless Chromium, driven by playwright-core under Node ({@code
 * src/test/js/dashboard.js}): one JSON command per call, one JSON answer. The browser's and Node's
 * own output goes to {@code target/dashboard-browser.log}. Not thread-safe: one caller at a time.
 */
final class DashboardPage implements AutoCloseable {
  private static final Path SCRIPT_DIR = Path.of("src", "test", "js");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longest a command may take beyond its own timeout (launching, a page load). */
  private static final Duration SLACK = Duration.ofSeconds(30);

  private final Process node;
  private final OutputStream commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

  private DashboardPage(Process node) {
    this.node = node;
    this.commands = node.getOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  answers.add(line);
                }
              } catch (IOException e) {
                answers.add("{\"ok\":false,\"error\":\"driver output: " + e.getMessage() + "\"}");
              }
            },
            "dashboard-driver-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the driver and its browser.
   *
   * @throws AssertionError when Chromium or the driver's packages are missing (the build's {@code
   *     build-tools/ensure-chromium.sh} and {@code npm ci} install them)
   */
  static DashboardPage launch() throws IOException {
    assertThat(CHROMIUM)
        .as("Chromium for the browser tests; build-tools/ensure-chromium.sh installs it")
        .isExecutable();
    assertThat(SCRIPT_DIR.resolve("node_modules/playwright-core"))
        .as("run the build's npm ci (generate-resources) first")
        .isDirectory();
    Path log = Path.of("target", "dashboard-browser.log");
    Files.createDirectories(log.getParent());
    Process node =
        new ProcessBuilder("node", "dashboard.js")
            .directory(SCRIPT_DIR.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new DashboardPage(node);
  }

  /** A command named {@code cmd}; add its fields and pass it to {@link #call}. */
  static ObjectNode command(String cmd) {
    return JSON.createObjectNode().put("cmd", cmd);
  }

  /**
   * Sends {@code command} and returns its answer.
   *
   * @throws AssertionError when the page answers {@code ok:false} (its error as the message) or
   *     nothing within {@code timeout} plus a slack for the browser
   */
  JsonNode call(ObjectNode command, Duration timeout) {
    JsonNode answer = send(command, timeout);
    assertThat(answer.path("ok").asBoolean())
        .as("%s answered %s", command.path("cmd").asText(), answer)
        .isTrue();
    return answer;
  }

  /** Sends {@code command} and returns its answer, whether ok or not. */
  JsonNode send(ObjectNode command, Duration timeout) {
    try {
      commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      commands.flush();
      String line = answers.poll(timeout.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
      assertThat(line)
          .as("an answer to %s (see target/dashboard-browser.log)", command.path("cmd").asText())
          .isNotNull();
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (node.isAlive()) {
      try {
        send(command("quit"), Duration.ofSeconds(10));
      } catch (UncheckedIOException | AssertionError e) {
        // The driver is gone already; the process is ended below either way.
      }
    }
    if (!node.waitFor(10, TimeUnit.SECONDS)) {
      node.destroyForcibly();
    }
  }
}
