package io.parley.server.auth;

import static io.parley.server.testing.SocketIoTestClients.call;
import static io.parley.server.testing.SocketIoTestClients.poll;
import static io.parley.server.testing.SocketIoTestClients.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ErrorCode;
import io.parley.server.testing.SecureProfile;
import io.parley.server.testing.SocketIoTestClients;
import io.parley.server.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.socket.client.Ack;
import io.socket.client.Socket;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.json.JSONException;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
  @TestHTTPResource("/")
  URL base;

  private SocketIoTestClients clients;

  @BeforeEach
  void clients() {
    clients = new SocketIoTestClients(base);
  }

  @AfterEach
  void closeSockets() {
    clients.close();
  }

  @ParameterizedTest
  @MethodSource("io.parley.server.testing.TestTokens#refusals")
  void connectWithARefusedTokenGetsConnectErrorWithItsCode(String token, ErrorCode code)
      throws JSONException {
    Object outcome = clients.connect(token, "websocket", socket -> {});
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
        // exp is in whole seconds: "now + 1 s" may already be past when CONNECT arrives.
        TestTokens.claims("frank").expiresAt(Instant.now().plusSeconds(2)).sign(),
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
    clients
        .last()
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
    return clients.connected(token, transport, socket -> {});
  }

  private Socket connected(String token, String transport, Consumer<Socket> listeners) {
    return clients.connected(token, transport, listeners);
  }
}
