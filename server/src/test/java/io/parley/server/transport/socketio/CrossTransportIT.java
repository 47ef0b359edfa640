package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * A Socket.IO client, a {@code /ws} client and an HTTP poller on one channel see the same messages
 * with the same seq in the same order, whoever published them.
 */
@QuarkusTest
class CrossTransportIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String CHANNEL = "cross-transport";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyTransportSeesTheSameSequence() throws Exception {
    String base = "http://127.0.0.1:" + RawEngineClient.port() + "/";
    Socket socketIo =
        IO.socket(
            URI.create(base),
            IO.Options.builder()
                .setTransports(new String[] {"websocket"})
                .setForceNew(true)
                .setReconnection(false)
                .build());
    List<String> viaSocketIo = new CopyOnWriteArrayList<>();
    socketIo.on(
        "message",
        args -> {
          JSONObject m = (JSONObject) args[0];
          viaSocketIo.add(m.optLong("seq") + ":" + m.optString("event") + ":" + m.opt("data"));
        });
    BlockingQueue<Object> acks = new LinkedBlockingQueue<>();
    socketIo.once(Socket.EVENT_CONNECT, args -> acks.add("connected"));
    socketIo.connect();
    assertThat(acks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("connected");
    try (WsTestClient ws = WsTestClient.greeted(base, "cross-ws")) {
      socketIo.emit(
          "subscribe",
          new Object[] {new JSONObject().put("channel", CHANNEL)},
          (Ack) args -> acks.add(args[0]));
      JSONObject subscribed = (JSONObject) acks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      JSONObject start = subscribed.getJSONObject("position");
      ws.send(new ClientFrame.Subscribe("s1", CHANNEL, null));
      ws.expect(ServerFrame.Subscribed.class);

      for (int i = 1; i <= 6; i++) {
        switch (i % 3) {
          case 0 ->
              socketIo.emit(
                  "publish",
                  new Object[] {
                    new JSONObject()
                        .put("id", "sio-" + i)
                        .put("channel", CHANNEL)
                        .put("event", "e" + i)
                        .put("data", i)
                  },
                  (Ack) args -> {});
          case 1 ->
              ws.send(
                  new ClientFrame.Publish(
                      "ws-" + i, CHANNEL, "e" + i, SocketJson.NODES.numberNode(i)));
          default -> publishOverHttp(base, i);
        }
        int expected = i;
        Awaitility.await().atMost(WAIT).until(() -> viaSocketIo.size() == expected);
      }
      List<String> viaWs = new ArrayList<>();
      while (viaWs.size() < 6) {
        ServerFrame.Message m = ws.awaitFrame(ServerFrame.Message.class, x -> true);
        viaWs.add(m.seq() + ":" + m.event() + ":" + m.data());
      }
      List<String> viaPoll = new ArrayList<>();
      JsonNode polled =
          SocketJson.parse(
              post(
                  base + "realtime/poll",
                  "{\"clientId\":\"poller\",\"subscriptions\":{\""
                      + CHANNEL
                      + "\":"
                      + "{\"epoch\":\""
                      + start.getString("epoch")
                      + "\",\"seq\":"
                      + start.getLong("seq")
                      + "}"
                      + "},\"waitMs\":0}"));
      for (JsonNode m : polled.get("messages")) {
        viaPoll.add(m.get("seq").asLong() + ":" + m.get("event").asText() + ":" + m.get("data"));
      }

      assertThat(viaSocketIo).hasSize(6).containsExactlyElementsOf(viaWs);
      assertThat(viaPoll).containsExactlyElementsOf(viaWs);
    } finally {
      socketIo.close();
    }
  }

  private void publishOverHttp(String base, int i) throws Exception {
    post(
        base + "realtime/publish",
        "{\"channel\":\"" + CHANNEL + "\",\"event\":\"e" + i + "\",\"data\":" + i + "}");
  }

  private String post(String url, String body) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(WAIT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
