package io.parley.harness.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.harness.server.ServerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official JS Socket.IO client (run under Node, installed by the server module's build from the
 * npm registry) resumes a channel through {@code since} after the server process is killed and
 * started again: not recovered, a {@code gap} from the old epoch, then the new messages once.
 */
class OfficialJsClientRestartIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CHANNEL = "restart:official-js";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"websocket", "polling"})
  void resumesAChannelAfterAServerRestartAndIsToldWhatWasLost(String transport) throws Exception {
    Path modules = Path.of(System.getProperty("parley.js.modules", "../server/src/test/js"));
    assertThat(modules.resolve("node_modules/socket.io-client"))
        .as("the server module's build installs socket.io-client with npm ci")
        .exists();
    try (ServerProcess server = ServerProcess.builder().build().start()) {
      ProcessBuilder command =
          new ProcessBuilder(
                  "node",
                  Path.of("src/test/js/restart-client.js").toAbsolutePath().toString(),
                  server.baseUrl(),
                  CHANNEL,
                  transport)
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      command
          .environment()
          .put("NODE_PATH", modules.resolve("node_modules").toAbsolutePath().toString());
      command.environment().put("PARLEY_TOKEN", server.issuer().userToken("official-js", CHANNEL));
      Process node = command.start();
      List<JsonNode> events = new CopyOnWriteArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    events.add(JSON.readTree(line));
                  }
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              },
              "node-output");
      reader.setDaemon(true);
      reader.start();
      try {
        Awaitility.await().atMost(WAIT).until(() -> count(events, "subscribed") == 1);
        String before = publish(server, 1);
        publish(server, 2);
        Awaitility.await().atMost(WAIT).until(() -> count(events, "message") == 2);

        server.restart();

        Awaitility.await().atMost(WAIT).until(() -> count(events, "subscribed") == 2);
        String after = publish(server, 3);
        Awaitility.await().atMost(WAIT).until(() -> count(events, "message") == 3);

        List<JsonNode> subscribed = of(events, "subscribed");
        assertThat(subscribed.get(0).path("answer").path("recovered").asBoolean()).isTrue();
        assertThat(subscribed.get(1).path("answer").path("recovered").asBoolean()).isFalse();
        List<JsonNode> gaps = of(events, "gap");
        assertThat(gaps).hasSize(1);
        assertThat(gaps.get(0).path("gap").path("from").path("epoch").asText()).isEqualTo(before);
        assertThat(gaps.get(0).path("gap").path("from").path("seq").asLong()).isEqualTo(2);
        assertThat(gaps.get(0).path("gap").path("to").path("epoch").asText()).isEqualTo(after);
        assertThat(of(events, "message"))
            .extracting(m -> m.path("epoch").asText() + ":" + m.path("seq").asLong())
            .containsExactly(before + ":1", before + ":2", after + ":1");
      } finally {
        node.destroy();
        node.waitFor();
      }
    }
  }

  private static long count(List<JsonNode> events, String kind) {
    return of(events, kind).size();
  }

  private static List<JsonNode> of(List<JsonNode> events, String kind) {
    return events.stream().filter(e -> kind.equals(e.path("kind").asText())).toList();
  }

  /** Publishes over HTTP and returns the channel's epoch. */
  private String publish(ServerProcess server, int value) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "realtime/publish"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + server.issuer().publisherToken("it-backend"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"channel\":\"" + CHANNEL + "\",\"event\":\"e\",\"data\":" + value + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("epoch").asText();
  }
}
