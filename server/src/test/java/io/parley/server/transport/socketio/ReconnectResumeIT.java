package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * The official Java client, with its own reconnection, resumes a channel through {@code since}
 * after the server dropped every connection (as a restart that keeps the history would): what was
 * published meanwhile arrives once, in order.
 */
@QuarkusTest
class ReconnectResumeIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String CHANNEL = "reconnect-resume";

  @Inject SocketIoRoutes routes;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void resumesFromTheLastSeenPositionAfterTheServerDroppedTheConnection() throws Exception {
    String base = "http://127.0.0.1:" + RawEngineClient.port() + "/";
    Socket socket =
        IO.socket(
            URI.create(base),
            IO.Options.builder()
                // Polling: the server's close reaches the client as a close packet at once. Over
                // WebSocket this client never answers the close frame, so it notices the close
                // only when the server drops the TCP connection after its closing timeout.
                .setTransports(new String[] {"polling"})
                .setForceNew(true)
                .setReconnection(true)
                .setReconnectionDelay(100)
                .setReconnectionDelayMax(200)
                .setAuth(Map.of("clientId", "resumer"))
                .build());
    List<Long> seen = new CopyOnWriteArrayList<>();
    AtomicReference<JSONObject> last = new AtomicReference<>();
    List<Boolean> recovered = new CopyOnWriteArrayList<>();
    AtomicInteger connects = new AtomicInteger();
    socket.on(
        "message",
        args -> {
          JSONObject message = (JSONObject) args[0];
          if (CHANNEL.equals(message.optString("channel"))) {
            seen.add(message.optLong("seq"));
            last.set(message);
          }
        });
    socket.on(
        Socket.EVENT_CONNECT,
        args -> {
          connects.incrementAndGet();
          JSONObject request = new JSONObject();
          try {
            request.put("channel", CHANNEL);
            JSONObject message = last.get();
            if (message != null) {
              request.put(
                  "since",
                  new JSONObject()
                      .put("epoch", message.getString("epoch"))
                      .put("seq", message.getLong("seq")));
            }
          } catch (org.json.JSONException e) {
            throw new IllegalStateException(e);
          }
          socket.emit(
              "subscribe",
              new Object[] {request},
              (Ack) ack -> recovered.add(((JSONObject) ack[0]).optBoolean("recovered")));
        });
    socket.connect();
    try {
      Awaitility.await().atMost(WAIT).until(() -> recovered.size() == 1);
      publish(1);
      publish(2);
      Awaitility.await().atMost(WAIT).until(() -> seen.size() == 2);

      routes.closeAllConnections();
      Awaitility.await().atMost(WAIT).until(() -> !socket.connected() || connects.get() > 1);
      publish(3);
      publish(4);

      Awaitility.await().atMost(WAIT).until(() -> connects.get() >= 2 && seen.size() >= 4);
      long first = seen.get(0);
      assertThat(seen).containsExactly(first, first + 1, first + 2, first + 3);
      assertThat(recovered).containsOnly(true);
    } finally {
      socket.close();
    }
  }

  private void publish(int n) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + RawEngineClient.port() + "/realtime/publish"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"channel\":\"" + CHANNEL + "\",\"event\":\"n\",\"data\":" + n + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
