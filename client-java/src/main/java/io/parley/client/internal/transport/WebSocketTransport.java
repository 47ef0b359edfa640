package io.parley.client.internal.transport;

import io.parley.client.ConnectionException;
import io.parley.client.ParleyException;
import io.parley.client.ProtocolException;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Thread-safe transport of Parley's native JSON frames over {@code java.net.http.WebSocket} at
 * {@code ws(s)://host/ws}.
 *
 * <p>On open it sends {@code hello {token?, clientId}}; the server's {@code welcome} is the first
 * frame the listener sees. Incoming text is reassembled from partial frames (bounded by {@link
 * #MAX_INBOUND_CHARS}) and decoded with {@link FrameCodec}; one more message is requested from the
 * socket only after the previous one was handed on, as {@code WebSocket.Listener} flow control
 * expects. A frame of an unknown {@code type} (a newer server) is skipped; any other unreadable
 * input fails the connection with a {@link ProtocolException}. Sends are chained, because the JDK
 * socket allows one outstanding send; at most {@link #MAX_PENDING_SENDS} may wait, beyond that the
 * connection fails rather than buffer without bound.
 */
public final class WebSocketTransport implements ClientTransport {
  private static final Logger LOG = System.getLogger(WebSocketTransport.class.getName());

  /** Largest server frame accepted, in characters: 1 Mi. */
  static final int MAX_INBOUND_CHARS = 1024 * 1024;

  /** Most sends waiting for the socket before the connection fails. */
  static final int MAX_PENDING_SENDS = 10_000;

  /** How long a close handshake may take before the socket is aborted. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private final HttpClient http;
  private final URI uri;
  private final Duration connectTimeout;
  private final FrameCodec codec = FrameCodec.withMaxFrameBytes(4 * MAX_INBOUND_CHARS);

  public WebSocketTransport(HttpClient http, URI uri, Duration connectTimeout) {
    this.http = http;
    this.uri = uri;
    this.connectTimeout = connectTimeout;
  }

  @Override
  public Transport kind() {
    return Transport.WEBSOCKET;
  }

  @Override
  public Connection open(ConnectRequest request, Listener listener) {
    WebSocketConnection connection = new WebSocketConnection(request, listener, codec);
    http.newWebSocketBuilder()
        .connectTimeout(connectTimeout)
        .buildAsync(uri, connection)
        .whenComplete(
            (socket, failure) -> {
              if (failure != null) {
                connection.fail(handshakeFailure(failure));
              } else {
                connection.opened(socket);
              }
            });
    return connection;
  }

  @Override
  public void close() {
    // The HttpClient is shared and owned by the transport set.
  }

  private ParleyException handshakeFailure(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof WebSocketHandshakeException handshake) {
      // The JDK may keep the refusal's body; its problem code is more precise than the status. A
      // busy server (503) may say when to come back; the supervisor waits at least that long.
      HttpResponse<?> response = handshake.getResponse();
      Object body = response.body();
      String text =
          body instanceof byte[] bytes
              ? new String(bytes, StandardCharsets.UTF_8)
              : body instanceof String string ? string : null;
      return ServerErrors.toException(
          ProblemDetails.parse(codec.mapper(), response.statusCode(), text),
          Transport.WEBSOCKET,
          RetryAfter.of(response.headers()));
    }
    return new ConnectionException(
        "cannot open " + uri + ": " + cause, Transport.WEBSOCKET, null, cause);
  }

  /**
   * One socket: the JDK listener on one side, the supervisor's listener on the other. Package
   * private so that tests can drive it with a fake {@link WebSocket}.
   */
  static final class WebSocketConnection implements Connection, WebSocket.Listener {
    private final ConnectRequest request;
    private final Listener listener;
    private final FrameCodec codec;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<WebSocket> ready = new CompletableFuture<>();

    // Guarded by this.
    private CompletableFuture<WebSocket> tail = ready;
    private int pendingSends;

    WebSocketConnection(ConnectRequest request, Listener listener, FrameCodec codec) {
      this.request = request;
      this.listener = listener;
      this.codec = codec;
    }

    /** The handshake succeeded: say hello. */
    void opened(WebSocket socket) {
      if (finished.get()) {
        socket.abort();
        return;
      }
      send(new ClientFrame.Hello(request.token(), request.clientId()));
      ready.complete(socket);
    }

    @Override
    public void onOpen(WebSocket socket) {
      socket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      if (finished.get()) {
        return null;
      }
      if (partial.length() + data.length() > MAX_INBOUND_CHARS) {
        fail(
            new ProtocolException(
                "server frame larger than " + MAX_INBOUND_CHARS + " characters",
                ErrorCode.FRAME_TOO_LARGE,
                null));
        socket.abort();
        return null;
      }
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        deliver(text);
      }
      socket.request(1);
      return null;
    }

    private void deliver(String text) {
      ServerFrame frame;
      try {
        frame = codec.decodeServer(text);
      } catch (FrameDecodeException e) {
        if (e.code() == ErrorCode.UNKNOWN_TYPE) {
          LOG.log(Level.DEBUG, "skipping a frame of unknown type: {0}", e.getMessage());
          return;
        }
        fail(
            new ProtocolException(
                "unreadable frame from the server: " + e.getMessage(), e.code(), e.field()));
        ready.thenAccept(WebSocket::abort);
        return;
      }
      if (!finished.get()) {
        listener.onFrame(frame);
      }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      fail(
          new ProtocolException(
              "binary frames are not part of the Parley protocol", ErrorCode.BAD_JSON, null));
      socket.abort();
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket socket, ByteBuffer message) {
      // The JDK answers control pings itself.
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      fail(
          new ConnectionException(
              "server closed the WebSocket: "
                  + statusCode
                  + (reason == null || reason.isEmpty() ? "" : " " + reason),
              Transport.WEBSOCKET,
              null,
              null));
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      fail(new ConnectionException("WebSocket failed: " + error, Transport.WEBSOCKET, null, error));
    }

    @Override
    public boolean send(ClientFrame frame) {
      if (finished.get()) {
        return false;
      }
      String text = codec.encode(frame);
      synchronized (this) {
        if (pendingSends >= MAX_PENDING_SENDS) {
          overflow();
          return false;
        }
        pendingSends++;
        tail =
            tail.thenCompose(socket -> socket.sendText(text, true))
                .whenComplete(
                    (socket, failure) -> {
                      synchronized (this) {
                        pendingSends--;
                      }
                      if (failure != null) {
                        fail(
                            new ConnectionException(
                                "WebSocket send failed: " + failure,
                                Transport.WEBSOCKET,
                                null,
                                failure));
                      }
                    });
      }
      return true;
    }

    private void overflow() {
      fail(
          new ConnectionException(
              MAX_PENDING_SENDS + " sends are waiting for the WebSocket; dropping it",
              Transport.WEBSOCKET,
              null,
              null));
      ready.thenAccept(WebSocket::abort);
    }

    /** Reports the final failure once; later failures and frames are dropped. */
    void fail(ParleyException cause) {
      if (finished.compareAndSet(false, true)) {
        listener.onClosed(cause);
      }
    }

    @Override
    public void close() {
      if (!finished.compareAndSet(false, true)) {
        ready.thenAccept(WebSocket::abort);
        return;
      }
      ready.thenAccept(
          socket ->
              socket
                  .sendClose(WebSocket.NORMAL_CLOSURE, "client closed")
                  .orTimeout(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                  .whenComplete((ignored, failure) -> socket.abort()));
      // A handshake still in progress completes into opened(), which aborts the socket.
    }
  }
}
