package io.parley.harness.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.harness.server.ServerProcess;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
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
import org.json.JSONException;
import org.json.JSONObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Java Socket.IO client, unmodified and with its own reconnection, resumes a channel
 * through {@code since} after the server process is killed and started again. The in-memory server
 * lost its history, so the resumed subscription is told so (not recovered, a {@code gap} from the
 * old epoch) and then receives what is published after the restart, once, in order.
 */
class OfficialJavaClientRestartIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CHANNEL = "restart:official-java";

  private final HttpClient http = HttpClient.newHttpClient();

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"websocket", "polling"})
  void resumesAChannelAfterAServerRestartAndIsToldWhatWasLost(String transport) throws Exception {
    try (ServerProcess server = ServerProcess.builder().build().start()) {
      Socket socket =
          IO.socket(
              URI.create(server.baseUrl()),
              IO.Options.builder()
                  .setTransports(new String[] {transport})
                  .setForceNew(true)
                  .setReconnection(true)
                  .setReconnectionDelay(100)
                  .setReconnectionDelayMax(500)
                  .setAuth(
                      Map.of(
                          "clientId",
                          "official-java-" + transport,
                          "token",
                          server.issuer().userToken("official-java", CHANNEL)))
                  .build());
      List<String> seen = new CopyOnWriteArrayList<>();
      List<JSONObject> gaps = new CopyOnWriteArrayList<>();
      List<Boolean> recovered = new CopyOnWriteArrayList<>();
      AtomicReference<JSONObject> last = new AtomicReference<>();
      AtomicInteger connects = new AtomicInteger();
      socket.on(
          "message",
          args -> {
            JSONObject message = (JSONObject) args[0];
            seen.add(message.optString("epoch") + ":" + message.optLong("seq"));
            last.set(message);
          });
      socket.on("gap", args -> gaps.add((JSONObject) args[0]));
      socket.on(
          Socket.EVENT_CONNECT,
          args -> {
            connects.incrementAndGet();
            socket.emit(
                "subscribe",
                new Object[] {subscribeRequest(last.get())},
                (Ack) answer -> recovered.add(((JSONObject) answer[0]).optBoolean("recovered")));
          });
      socket.connect();
      try {
        Awaitility.await().atMost(WAIT).until(() -> recovered.size() == 1);
        String before = publish(server, 1);
        publish(server, 2);
        Awaitility.await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly(before + ":1", before + ":2");

        server.restart();

        Awaitility.await().atMost(WAIT).until(() -> recovered.size() == 2);
        String after = publish(server, 3);
        Awaitility.await().atMost(WAIT).until(() -> seen.size() == 3);

        assertThat(connects).hasValue(2);
        assertThat(recovered).containsExactly(true, false);
        assertThat(after).isNotEqualTo(before);
        assertThat(gaps).hasSize(1);
        assertThat(gaps.get(0).getJSONObject("from").getString("epoch")).isEqualTo(before);
        assertThat(gaps.get(0).getJSONObject("from").getLong("seq")).isEqualTo(2);
        assertThat(gaps.get(0).getJSONObject("to").getString("epoch")).isEqualTo(after);
        assertThat(seen).containsExactly(before + ":1", before + ":2", after + ":1");
      } finally {
        socket.close();
      }
    }
  }

  private static JSONObject subscribeRequest(JSONObject lastMessage) {
    try {
      JSONObject request = new JSONObject().put("channel", CHANNEL);
      if (lastMessage != null) {
        request.put(
            "since",
            new JSONObject()
                .put("epoch", lastMessage.getString("epoch"))
                .put("seq", lastMessage.getLong("seq")));
      }
      return request;
    } catch (JSONException e) {
      throw new IllegalStateException(e);
    }
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
    return new JSONObject(response.body()).getString("epoch");
  }
}
