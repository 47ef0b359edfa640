package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.ProtocolException;
import io.parley.client.internal.transport.RecordingTransportListener.Closed;
import io.parley.client.internal.transport.WebSocketTransport.WebSocketConnection;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The WebSocket connection's frame handling, driven through a fake JDK socket. */
class WebSocketTransportTest {
  private static final String WELCOME =
      "{\"type\":\"welcome\",\"sessionId\":\"s1\","
          + "\"heartbeat\":{\"intervalMs\":25000,\"timeoutMs\":60000},\"node\":\"n1\"}";

  private final FrameCodec codec = FrameCodec.create();
  private final RecordingTransportListener listener = new RecordingTransportListener();
  private final FakeWebSocket socket = new FakeWebSocket();
  private final WebSocketConnection connection =
      new WebSocketConnection(
          new ClientTransport.ConnectRequest("tok", "client-1"), listener, codec);

  private void open() {
    connection.onOpen(socket);
    connection.opened(socket);
  }

  @Test
  void saysHelloWithTheTokenAndClientIdFirst() {
    open();

    assertThat(socket.texts)
        .containsExactly("{\"type\":\"hello\",\"token\":\"tok\",\"clientId\":\"client-1\"}");
    assertThat(socket.requested).isEqualTo(1);
  }

  @Test
  void reassemblesPartialTextAndRequestsOneMessageAtATime() {
    open();

    connection.onText(socket, WELCOME.substring(0, 20), false);
    assertThat(listener.isEmpty()).isTrue();
    assertThat(socket.requested).isEqualTo(2);
    connection.onText(socket, WELCOME.substring(20), true);

    assertThat(listener.next(ServerFrame.Welcome.class).node()).isEqualTo("n1");
    assertThat(socket.requested).isEqualTo(3);
    connection.onText(socket, "{\"type\":\"ping\",\"ts\":5}", true);
    assertThat(listener.next(ServerFrame.Ping.class)).isEqualTo(new ServerFrame.Ping(5));
  }

  @Test
  void skipsAFrameOfAnUnknownTypeFromANewerServer() {
    open();

    connection.onText(socket, "{\"type\":\"presence\",\"who\":[]}", true);
    connection.onText(socket, "{\"type\":\"pong\",\"ts\":9}", true);

    assertThat(listener.next(ServerFrame.Pong.class).ts()).isEqualTo(9);
    listener.assertExhausted();
  }

  @Test
  void failsOnceWithAProtocolExceptionOnUnreadableInput() {
    open();

    connection.onText(socket, "{\"type\":\"message\",\"channel\":\"a\"}", true);
    connection.onText(socket, "{\"type\":\"pong\",\"ts\":9}", true);
    connection.onClose(socket, 1000, "");

    Closed closed = listener.next(Closed.class);
    assertThat(closed.cause())
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD);
              assertThat(e.field()).isEqualTo("epoch");
            });
    listener.assertExhausted();
    assertThat(socket.aborted).isTrue();
  }

  @Test
  void reportsTheServersCloseAsAConnectionExceptionOnce() {
    open();

    connection.onClose(socket, 1001, "going away");
    connection.onError(socket, new java.io.IOException("reset"));

    assertThat(listener.next(Closed.class).cause())
        .isInstanceOf(ConnectionException.class)
        .hasMessage("server closed the WebSocket: 1001 going away");
    listener.assertExhausted();
  }

  @Test
  void chainsSendsSoThatOnlyOneIsOutstanding() {
    socket.autoComplete = false;
    open();

    connection.send(new ClientFrame.Ping(1));
    connection.send(
        new ClientFrame.Publish("p1", "a", "e", JsonNodeFactory.instance.numberNode(1)));
    assertThat(socket.texts).hasSize(1);

    socket.completeNext();
    assertThat(socket.texts).hasSize(2);
    assertThat(socket.texts.get(1)).isEqualTo("{\"type\":\"ping\",\"ts\":1}");
    socket.completeNext();
    assertThat(socket.texts).hasSize(3);
  }

  @Test
  void closeSendsACloseFrameAndCallsTheListenerNoMore() {
    open();

    connection.close();
    connection.onText(socket, "{\"type\":\"pong\",\"ts\":9}", true);
    connection.onClose(socket, 1000, "");

    assertThat(socket.closeCode).isEqualTo(WebSocket.NORMAL_CLOSURE);
    assertThat(socket.aborted).isTrue();
    assertThat(connection.send(new ClientFrame.Ping(2))).isFalse();
    listener.assertExhausted();
  }

  @Test
  void rejectsBinaryFrames() {
    open();

    connection.onBinary(socket, ByteBuffer.wrap(new byte[] {1}), true);

    assertThat(listener.next(Closed.class).cause()).isInstanceOf(ProtocolException.class);
  }

  /** A JDK WebSocket that records what is sent; sends complete at once unless told otherwise. */
  @Test
  void aBusyServersUpgradeRefusalCarriesItsRetryAfter() throws Exception {
    try (TestHttpServer server = new TestHttpServer()) {
      server.respond(
          request ->
              new TestHttpServer.Reply(
                  503, "text/plain", "busy", java.util.Map.of("Retry-After", "30")));
      ExecutorService threads = Executors.newCachedThreadPool();
      try {
        HttpClient http = HttpClient.newBuilder().executor(threads).build();
        URI uri = URI.create("ws://127.0.0.1:" + server.base().getPort() + "/ws");

        new WebSocketTransport(http, uri, Duration.ofSeconds(5))
            .open(new ClientTransport.ConnectRequest("tok", "client-1"), listener);

        assertThat(listener.next(Closed.class).cause())
            .isInstanceOfSatisfying(
                ConnectionException.class,
                e -> {
                  assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
                  assertThat(e.code()).isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
                });
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void anUnauthorizedUpgradeIsARejectionWithTheProblemsCode() throws Exception {
    try (TestHttpServer server = new TestHttpServer()) {
      server.respond(
          request ->
              TestHttpServer.Reply.problem(
                  401, "{\"status\":401,\"code\":\"TOKEN_SIGNATURE_INVALID\"}"));
      ExecutorService threads = Executors.newCachedThreadPool();
      try {
        HttpClient http = HttpClient.newBuilder().executor(threads).build();
        URI uri = URI.create("ws://127.0.0.1:" + server.base().getPort() + "/ws");

        new WebSocketTransport(http, uri, Duration.ofSeconds(5))
            .open(new ClientTransport.ConnectRequest("tok", "client-1"), listener);

        assertThat(listener.next(Closed.class).cause())
            .isInstanceOfSatisfying(
                AuthenticationException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_SIGNATURE_INVALID));
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void sendsAnInBandTokenRefreshAsAnAuthFrame() {
    open();

    connection.send(new ClientFrame.Auth("fresh"));

    assertThat(socket.texts).hasSize(2);
    assertThat(socket.texts.get(1)).isEqualTo("{\"type\":\"auth\",\"token\":\"fresh\"}");
  }

  private static final class FakeWebSocket implements WebSocket {
    final List<String> texts = new ArrayList<>();
    final List<CompletableFuture<WebSocket>> outstanding = new ArrayList<>();
    boolean autoComplete = true;
    long requested;
    int closeCode = -1;
    boolean aborted;

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
      texts.add(data.toString());
      CompletableFuture<WebSocket> sent = new CompletableFuture<>();
      if (autoComplete) {
        sent.complete(this);
      } else {
        outstanding.add(sent);
      }
      return sent;
    }

    void completeNext() {
      outstanding.remove(0).complete(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
      closeCode = statusCode;
      return CompletableFuture.completedFuture(this);
    }

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public String getSubprotocol() {
      return "";
    }

    @Override
    public boolean isOutputClosed() {
      return closeCode >= 0;
    }

    @Override
    public boolean isInputClosed() {
      return aborted;
    }

    @Override
    public void abort() {
      aborted = true;
    }
  }
}
