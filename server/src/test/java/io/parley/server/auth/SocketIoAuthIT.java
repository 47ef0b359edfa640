package io.parley.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ErrorCode;
import io.parley.server.testing.SecureProfile;
import io.parley.server.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.json.JSONException;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tokens over Socket.IO with the official Java client: the CONNECT auth payload, every refusal's
 * code in CONNECT_ERROR, channel grants, and the in-band {@code auth} event.
 */
@QuarkusTest
@TestProfile(SecureProfile.class)
class SocketIoAuthIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TestHTTPResource("/")
  URL base;

  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() {
    sockets.forEach(Socket::close);
  }

  @ParameterizedTest
  @MethodSource("io.parley.server.testing.TestTokens#refusals")
  void connectWithARefusedTokenGetsConnectErrorWithItsCode(String token, ErrorCode code)
      throws JSONException {
    Object outcome = connect(token, new String[] {"websocket"});
    assertThat(outcome).isInstanceOf(JSONObject.class);
    JSONObject data = ((JSONObject) outcome).getJSONObject("data");
    assertThat(data.getString("code")).isEqualTo(code.name());
    assertThat(data.getString("category")).isEqualTo("authentication");
    assertThat(data.getBoolean("retryable")).isFalse();
  }

  @Test
  void grantsDecideSubscribeAndPublish() throws JSONException {
    String room = "chat:" + System.nanoTime();
    Socket socket =
        connected(TestTokens.grants("alice", List.of("jobs:*"), List.of(room)), "polling");
    JSONObject allowed = call(socket, "subscribe", new JSONObject().put("channel", "jobs:1"));
    assertThat(allowed.getString("channel")).isEqualTo("jobs:1");
    JSONObject denied = call(socket, "subscribe", new JSONObject().put("channel", "news:1"));
    assertThat(denied.getJSONObject("error").getString("code")).isEqualTo("FORBIDDEN");
    assertThat(denied.getJSONObject("error").getString("message")).contains("news:1");
    JSONObject notPublisher = call(socket, "publish", publish("jobs:1", "p1"));
    assertThat(notPublisher.getJSONObject("error").getString("code")).isEqualTo("FORBIDDEN");
    JSONObject published = call(socket, "publish", publish(room, "p2"));
    assertThat(published.getLong("seq")).isEqualTo(1);
  }

  @Test
  void anExpiredTokenIsRefreshedInBandWithoutLosingAMessage() throws JSONException {
    String channel = "refresh:sio-" + System.nanoTime();
    String shortLived =
        TestTokens.claims("erin")
            .claim("channels", List.of("refresh:*"))
            .expiresAt(Instant.now().plusSeconds(2))
            .sign();
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    Socket subscriber =
        connected(
            shortLived,
            "websocket",
            socket -> {
              socket.on("message", args -> events.add(args[0]));
              socket.on("error", args -> events.add(args[0]));
              socket.on(Socket.EVENT_DISCONNECT, args -> events.add("disconnected"));
            });
    Socket publisher = connected(TestTokens.grants("pub", List.of(), List.of("*")), "websocket");
    call(subscriber, "subscribe", new JSONObject().put("channel", channel));
    call(publisher, "publish", publish(channel, "before"));

    List<Long> seqs = new ArrayList<>();
    JSONObject ask = null;
    while (ask == null) {
      JSONObject event = (JSONObject) take(events);
      if (event.has("seq")) {
        seqs.add(event.getLong("seq"));
      } else {
        assertThat(event.getString("code")).isEqualTo("TOKEN_REFRESH_REQUIRED");
        ask = event;
      }
    }
    call(publisher, "publish", publish(channel, "during"));
    JSONObject refreshed =
        call(
            subscriber,
            "auth",
            new JSONObject()
                .put("token", TestTokens.grants("erin", List.of("refresh:*"), List.of())));
    assertThat(refreshed.getBoolean("ok")).isTrue();
    call(publisher, "publish", publish(channel, "after"));
    while (seqs.size() < 3) {
      seqs.add(((JSONObject) take(events)).getLong("seq"));
    }
    assertThat(seqs).containsExactly(1L, 2L, 3L);
    // Past the 1.5 s grace period: still connected, nothing else arrived.
    assertThat(poll(events, Duration.ofMillis(2_500))).isNull();
    assertThat(subscriber.connected()).isTrue();
  }

  @Test
  void aConnectionWhoseTokenExpiresWithoutRefreshIsClosed() throws JSONException {
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    connected(
        TestTokens.claims("frank").expiresAt(Instant.now().plusSeconds(1)).sign(),
        "websocket",
        socket -> {
          socket.on("error", args -> events.add(((JSONObject) args[0]).optString("code")));
          socket.on(Socket.EVENT_DISCONNECT, args -> events.add("disconnected"));
        });
    assertThat(take(events)).isEqualTo("TOKEN_REFRESH_REQUIRED");
    assertThat(take(events)).isEqualTo("TOKEN_EXPIRED");
    // The server has ended the session and sent its WebSocket close frame; the Java client
    // (OkHttp) only reports the disconnect when the TCP connection ends, seconds later. Nothing
    // the socket asks is answered any more.
    BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    sockets
        .get(sockets.size() - 1)
        .emit(
            "subscribe",
            new Object[] {new JSONObject().put("channel", "user:frank")},
            (Ack) args -> answers.add(args[0]));
    assertThat(poll(answers, Duration.ofMillis(1_500))).isNull();
  }

  private static JSONObject publish(String channel, String id) throws JSONException {
    return new JSONObject().put("id", id).put("channel", channel).put("event", "e").put("data", 1);
  }

  private Socket connected(String token, String transport) {
    return connected(token, transport, socket -> {});
  }

  private Socket connected(String token, String transport, Consumer<Socket> listeners) {
    Object outcome = connect(token, new String[] {transport}, listeners);
    assertThat(outcome).isEqualTo("connected");
    return sockets.get(sockets.size() - 1);
  }

  /** "connected", or the CONNECT_ERROR argument. */
  private Object connect(String token, String[] transports) {
    return connect(token, transports, socket -> {});
  }

  /** "connected", or the CONNECT_ERROR argument; {@code listeners} are added before connecting. */
  private Object connect(String token, String[] transports, Consumer<Socket> listeners) {
    Map<String, String> auth = new HashMap<>();
    if (token != null) {
      auth.put("token", token);
    }
    IO.Options options =
        IO.Options.builder()
            .setTransports(transports)
            .setForceNew(true)
            .setReconnection(false)
            .setAuth(auth)
            .build();
    Socket socket = IO.socket(URI.create(base.toString().replaceAll("/$", "")), options);
    sockets.add(socket);
    BlockingQueue<Object> outcome = new LinkedBlockingQueue<>();
    listeners.accept(socket);
    socket.once(Socket.EVENT_CONNECT, args -> outcome.add("connected"));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> outcome.add(args[0]));
    socket.connect();
    return take(outcome);
  }

  private static JSONObject call(Socket socket, String event, JSONObject arg) {
    BlockingQueue<Object> answer = new LinkedBlockingQueue<>();
    socket.emit(event, new Object[] {arg}, (Ack) args -> answer.add(args[0]));
    return (JSONObject) take(answer);
  }

  private static Object take(BlockingQueue<Object> queue) {
    Object value = poll(queue, WAIT);
    assertThat(value).as("nothing within %s", WAIT).isNotNull();
    return value;
  }

  private static Object poll(BlockingQueue<Object> queue, Duration wait) {
    try {
      return queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
