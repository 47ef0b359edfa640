package io.parley.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import org.awaitility.Awaitility;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

/**
 * {@code realtime.log.json=true} makes the console write JSON lines, and {@code realtime.debug}
 * traces the frames of the connections it picks.
 */
@QuarkusTest
@TestProfile(JsonLogsIT.JsonAndDebug.class)
class JsonLogsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** JSON console logs; frame tracing of every connection. */
  public static final class JsonAndDebug implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("realtime.log.json", "true", "realtime.debug", "true");
    }
  }

  @TestHTTPResource("/")
  URL base;

  @Test
  void aConnectIsOneParseableJsonLineWithTheConnectionsFields() throws Exception {
    List<Formatter> consoles = new ArrayList<>();
    for (Handler handler : LogContext.getLogContext().getLogger("").getHandlers()) {
      collectConsoles(handler, consoles);
    }
    assertThat(consoles).isNotEmpty().allMatch(f -> f instanceof JsonFormatter);

    try (LogCapture capture = LogCapture.of(ConnectionLog.CATEGORY)) {
      try (WsTestClient ws = WsTestClient.greeted(base.toString(), "json-ws")) {
        Awaitility.await().atMost(WAIT).until(() -> !capture.starting("connected ").isEmpty());
      }
      ExtLogRecord connected = capture.starting("connected session=").get(0);
      String line = consoles.get(0).format(connected);

      assertThat(line.strip()).doesNotContain("\n");
      JsonNode json = new ObjectMapper().readTree(line);
      assertThat(json.path("loggerName").asText()).isEqualTo(ConnectionLog.CATEGORY);
      assertThat(json.path("level").asText()).isEqualTo("INFO");
      assertThat(json.path("message").asText()).startsWith("connected session=");
      JsonNode mdc = json.path("mdc");
      assertThat(mdc.path("parley.session").asText()).isEqualTo(connected.getMdc("parley.session"));
      assertThat(mdc.path("parley.transport").asText()).isEqualTo("websocket");
      assertThat(mdc.path("parley.address").asText()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void debugTracesEveryFrameOfAPickedConnectionBothWays() {
    try (LogCapture capture = LogCapture.of(FrameTrace.CATEGORY);
        WsTestClient ws = WsTestClient.greeted(base.toString(), "traced-ws")) {
      ws.send(new ClientFrame.Subscribe("t1", "traced-channel", null));
      ws.expect(ServerFrame.Subscribed.class);
      ws.send(
          new ClientFrame.Publish(
              "p1", "traced-channel", "note", TextNode.valueOf("traced-payload")));
      ws.send(new ClientFrame.Auth("secret.token.value"));

      Awaitility.await()
          .atMost(WAIT)
          .until(() -> !capture.containing("\"type\":\"auth\"").isEmpty());
      assertThat(capture.containing("<- session=")).isNotEmpty();
      assertThat(capture.containing("traced-channel"))
          .extracting(r -> r.getFormattedMessage().substring(0, 2))
          .contains("<-", "->");
      // The message fanned out to the connection is traced with its text, not a placeholder.
      Awaitility.await()
          .atMost(WAIT)
          .until(
              () ->
                  capture.containing("traced-payload").stream()
                      .anyMatch(
                          r ->
                              r.getFormattedMessage().startsWith("->")
                                  && r.getFormattedMessage().contains("\"type\":\"message\"")));
      assertThat(capture.records())
          .noneMatch(r -> r.getFormattedMessage().contains("secret.token.value"));
    }
  }

  private static void collectConsoles(Handler handler, List<Formatter> into) {
    if (handler instanceof ConsoleHandler) {
      into.add(handler.getFormatter());
    }
    if (handler instanceof ExtHandler parent) {
      for (Handler child : parent.getHandlers()) {
        collectConsoles(child, into);
      }
    }
  }
}
