package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.Ack;
import io.socket.client.AckWithTimeout;
import io.socket.client.IO;
import io.socket.client.Socket;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.json.JSONException;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official Java client {@code io.socket:socket.io-client} 2.1.x, unmodified, against the
 * server: every transport mode, acks, binary, and Parley's channel events.
 */
@QuarkusTest
class JavaClientInteropIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Inject SocketIoNamespaces namespaces;

  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void handlers() {
    TestHandlers.install(namespaces);
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(Socket::close);
  }

  @Test
  void connectsOverPollingOnly() throws Exception {
    Socket socket = connect(new String[] {"polling"}, Map.of());

    assertThat(call(socket, "transport", "x")).isEqualTo("polling");
    roundTrip(socket, "java-polling");
  }

  @Test
  void connectsOverWebsocketOnly() throws Exception {
    Socket socket = connect(new String[] {"websocket"}, Map.of());

    assertThat(call(socket, "transport", "x")).isEqualTo("websocket");
    roundTrip(socket, "java-websocket");
  }

  @Test
  void upgradesFromPollingToWebsocket() throws Exception {
    Socket socket = connect(new String[] {"polling", "websocket"}, Map.of());

    Awaitility.await().atMost(WAIT).until(() -> "websocket".equals(call(socket, "transport", "x")));
    roundTrip(socket, "java-upgrade");
  }

  @Test
  void acksWithTimeoutSucceedOrTimeOut() throws Exception {
    Socket socket = connect(new String[] {"websocket"}, Map.of());
    BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();

    socket.emit(
        "echo",
        new Object[] {new JSONObject("{\"b\":1,\"a\":[2,3]}")},
        new AckWithTimeout(WAIT.toMillis()) {
          @Override
          public void onSuccess(Object... args) {
            JSONObject echoed = (JSONObject) args[0];
            outcomes.add(echoed.optInt("b") + "," + echoed.optJSONArray("a"));
          }

          @Override
          public void onTimeout() {
            outcomes.add("timeout");
          }
        });
    socket.emit(
        "nobody-listens",
        new Object[] {1},
        new AckWithTimeout(200) {
          @Override
          public void onSuccess(Object... args) {
            outcomes.add("unexpected ack");
          }

          @Override
          public void onTimeout() {
            outcomes.add("timeout");
          }
        });

    List<Object> both = List.of(take(outcomes), take(outcomes));
    // org.json's JSONObject keeps no key order: compare the values.
    assertThat(both).containsExactlyInAnyOrder("1,[2,3]", "timeout");
  }

  @Test
  void sendsAndReceivesBinaryOverBothTransports() throws Exception {
    for (String transport : new String[] {"polling", "websocket"}) {
      Socket socket = connect(new String[] {transport}, Map.of());
      byte[] bytes = {0, 1, (byte) 200, (byte) 255};

      Object echoed = call(socket, "echo", bytes);

      assertThat(echoed).as(transport).isInstanceOf(byte[].class);
      assertThat((byte[]) echoed).as(transport).containsExactly(bytes);
    }
  }

  @Test
  void resumesAChannelFromSinceWithoutGapOrDuplicate() throws Exception {
    Socket writer = connect(new String[] {"websocket"}, Map.of("clientId", "java-writer"));
    call(writer, "subscribe", new JSONObject().put("channel", "java-resume"));
    JSONObject first = publish(writer, "java-resume", "w1", 1);
    publish(writer, "java-resume", "w2", 2);
    publish(writer, "java-resume", "w3", 3);
    JSONObject retry = publish(writer, "java-resume", "w1", 1);
    assertThat(retry.getLong("seq")).isEqualTo(first.getLong("seq"));

    Socket reader = connect(new String[] {"polling"}, Map.of());
    List<Long> seen = new CopyOnWriteArrayList<>();
    reader.on(
        "message",
        args -> {
          JSONObject message = (JSONObject) args[0];
          if ("java-resume".equals(message.optString("channel"))) {
            seen.add(message.optLong("seq"));
          }
        });
    JSONObject since =
        new JSONObject().put("epoch", first.getString("epoch")).put("seq", first.getLong("seq"));
    JSONObject subscribed =
        (JSONObject)
            call(
                reader,
                "subscribe",
                new JSONObject().put("channel", "java-resume").put("since", since));

    assertThat(subscribed.getBoolean("recovered")).isTrue();
    long s = first.getLong("seq");
    Awaitility.await().atMost(WAIT).until(() -> seen.size() >= 2);
    publish(writer, "java-resume", "w4", 4);
    Awaitility.await().atMost(WAIT).until(() -> seen.size() >= 3);
    assertThat(seen).containsExactly(s + 1, s + 2, s + 3);
  }

  @Test
  void badPayloadsAreAnsweredWithAnErrorNamingTheField() throws Exception {
    Socket socket = connect(new String[] {"websocket"}, Map.of());

    JSONObject noChannel = (JSONObject) call(socket, "subscribe", new JSONObject());
    JSONObject reserved =
        (JSONObject)
            call(
                socket,
                "publish",
                new JSONObject()
                    .put("id", "1")
                    .put("channel", "session:someone")
                    .put("event", "e")
                    .put("data", 1));
    JSONObject notSubscribed =
        (JSONObject) call(socket, "unsubscribe", new JSONObject().put("channel", "never"));

    assertThat(noChannel.getJSONObject("error").getString("code")).isEqualTo("MISSING_FIELD");
    assertThat(noChannel.getJSONObject("error").getString("field")).isEqualTo("channel");
    assertThat(noChannel.getJSONObject("error").getString("category")).isEqualTo("protocol");
    assertThat(reserved.getJSONObject("error").getString("code")).isEqualTo("CHANNEL_RESERVED");
    assertThat(notSubscribed.getJSONObject("error").getString("code")).isEqualTo("NOT_SUBSCRIBED");
  }

  private void roundTrip(Socket socket, String channel) throws Exception {
    BlockingQueue<JSONObject> messages = new LinkedBlockingQueue<>();
    socket.on("message", args -> messages.add((JSONObject) args[0]));
    JSONObject subscribed =
        (JSONObject) call(socket, "subscribe", new JSONObject().put("channel", channel));
    assertThat(subscribed.getString("channel")).isEqualTo(channel);
    long position = subscribed.getJSONObject("position").getLong("seq");

    JSONObject acked = publish(socket, channel, "id-" + channel, 42);

    assertThat(acked.getLong("seq")).isEqualTo(position + 1);
    JSONObject message = take(messages);
    assertThat(message.getString("channel")).isEqualTo(channel);
    assertThat(message.getLong("seq")).isEqualTo(position + 1);
    assertThat(message.getInt("data")).isEqualTo(42);
    assertThat(message.getString("event")).isEqualTo("note");
    assertThat(call(socket, "unsubscribe", new JSONObject().put("channel", channel)).toString())
        .isEqualTo("{\"channel\":\"" + channel + "\"}");
  }

  private JSONObject publish(Socket socket, String channel, String id, int data) throws Exception {
    return (JSONObject)
        call(
            socket,
            "publish",
            new JSONObject()
                .put("id", id)
                .put("channel", channel)
                .put("event", "note")
                .put("data", data));
  }

  private Socket connect(String[] transports, Map<String, String> auth) {
    IO.Options options =
        IO.Options.builder()
            .setTransports(transports)
            .setForceNew(true)
            .setReconnection(false)
            .setAuth(auth)
            .build();
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + RawEngineClient.port()), options);
    sockets.add(socket);
    BlockingQueue<Object> outcome = new LinkedBlockingQueue<>();
    socket.once(Socket.EVENT_CONNECT, args -> outcome.add("connected"));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> outcome.add("refused: " + args[0]));
    socket.connect();
    assertThat(take(outcome)).isEqualTo("connected");
    return socket;
  }

  /** Emits with an ack and returns the ack's first argument. */
  private static Object call(Socket socket, String event, Object arg) {
    BlockingQueue<Object> answer = new LinkedBlockingQueue<>();
    socket.emit(
        event, new Object[] {arg}, (Ack) args -> answer.add(args.length == 0 ? "" : args[0]));
    return take(answer);
  }

  private static <T> T take(BlockingQueue<T> queue) {
    try {
      T value = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(value).as("nothing within %s", WAIT).isNotNull();
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JSONObject json(String text) {
    try {
      return new JSONObject(text);
    } catch (JSONException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
