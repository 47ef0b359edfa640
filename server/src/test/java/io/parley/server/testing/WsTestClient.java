package io.parley.server.testing;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw {@code /ws} client for tests: sends frames or text, and waits (with a timeout) for the
 * server's frames in arrival order. Thread-safe.
 */
public final class WsTestClient implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final FrameCodec CODEC = FrameCodec.withMaxFrameBytes(16 * 1024 * 1024);

  private final BlockingQueue<ServerFrame> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private WsTestClient(URI uri, String bearerToken) {
    WebSocket.Builder builder =
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
    if (bearerToken != null) {
      builder.header("Authorization", "Bearer " + bearerToken);
    }
    this.socket = builder.buildAsync(uri, new Listener()).join();
  }

  /** Connects to {@code /ws} on the given HTTP base URL. */
  public static WsTestClient connect(String httpBase) {
    return new WsTestClient(URI.create(httpBase.replaceFirst("^http", "ws") + "ws"), null);
  }

  /**
   * Connects to {@code /ws}{@code pathAndQuery} (such as {@code ws?access_token=...}) on the given
   * HTTP base URL, with an {@code Authorization: Bearer} header when {@code bearerToken} is not
   * null.
   */
  public static WsTestClient connect(String httpBase, String pathAndQuery, String bearerToken) {
    return new WsTestClient(
        URI.create(httpBase.replaceFirst("^http", "ws") + pathAndQuery), bearerToken);
  }

  /** Connects and completes the {@code hello}/{@code welcome} exchange. */
  public static WsTestClient greeted(String httpBase, String clientId) {
    WsTestClient client = connect(httpBase);
    client.send(new ClientFrame.Hello(null, clientId));
    client.expect(ServerFrame.Welcome.class);
    return client;
  }

  public void send(ClientFrame frame) {
    sendText(CODEC.encode(frame));
  }

  public void sendText(String text) {
    socket.sendText(text, true).join();
  }

  public void sendBinary(byte[] data) {
    socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
  }

  /** The next frame, skipping server heartbeats; fails after a timeout. */
  public ServerFrame next() {
    while (true) {
      ServerFrame frame = poll();
      if (!(frame instanceof ServerFrame.Ping)) {
        return frame;
      }
    }
  }

  /** The next frame including heartbeats. */
  public ServerFrame poll() {
    try {
      ServerFrame frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no frame from the server within " + WAIT);
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next frame, which must be of {@code type}. */
  public <T extends ServerFrame> T expect(Class<T> type) {
    ServerFrame frame = next();
    if (!type.isInstance(frame)) {
      throw new AssertionError("expected " + type.getSimpleName() + " but got " + frame);
    }
    return type.cast(frame);
  }

  /** Skips frames until one of {@code type} matching {@code test} arrives. */
  public <T extends ServerFrame> T awaitFrame(Class<T> type, Predicate<T> test) {
    while (true) {
      ServerFrame frame = next();
      if (type.isInstance(frame) && test.test(type.cast(frame))) {
        return type.cast(frame);
      }
    }
  }

  /** The close code the server sent; fails after a timeout. */
  public int awaitClose() {
    return closed.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /**
   * Whether the server closes the connection within {@code wait}; waits that long if it does not.
   */
  public boolean closesWithin(Duration wait) {
    try {
      closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(CODEC.decodeServer(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
