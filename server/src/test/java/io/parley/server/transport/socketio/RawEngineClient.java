package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A raw Engine.IO client for tests: HTTP long-polling through {@code java.net.http} and WebSocket
 * frames through {@link WebSocket}, so that every byte on the wire can be asserted. Not
 * thread-safe; one per test.
 */
final class RawEngineClient {
  static final String SEP = "\u001e";
  static final Duration WAIT = Duration.ofSeconds(10);

  final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
  final String path;
  String sid;

  RawEngineClient(String path) {
    this.path = path;
  }

  static int port() {
    return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
  }

  static URI uri(String path, String query) {
    return URI.create("http://127.0.0.1:" + port() + path + "?" + query);
  }

  HttpResponse<String> get(String query) {
    return send(HttpRequest.newBuilder(uri(path, query)).timeout(WAIT).GET().build());
  }

  CompletableFuture<HttpResponse<String>> getAsync(String query) {
    return http.sendAsync(
        HttpRequest.newBuilder(uri(path, query)).timeout(WAIT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String query, String body) {
    return send(
        HttpRequest.newBuilder(uri(path, query))
            .timeout(WAIT)
            .header("Content-Type", "text/plain;charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Opens a polling session and returns the open packet's JSON. */
  JsonNode handshake() {
    HttpResponse<String> response = get("EIO=4&transport=polling");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("0");
    JsonNode open = SocketJson.parse(response.body().substring(1));
    sid = open.get("sid").asText();
    return open;
  }

  String query() {
    return "EIO=4&transport=polling&sid=" + sid;
  }

  /** One long-polling GET; asserts 200 and returns its packets. */
  List<String> poll() {
    HttpResponse<String> response = get(query());
    assertThat(response.statusCode()).as("poll of %s: %s", sid, response.body()).isEqualTo(200);
    return Arrays.asList(response.body().split(SEP, -1));
  }

  /** POSTs packets joined by the separator; asserts 200 "ok". */
  void push(String... packets) {
    HttpResponse<String> response = post(query(), String.join(SEP, packets));
    assertThat(response.statusCode()).as("push: %s", response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
  }

  /** Polls until a packet other than a ping or noop arrives, answering pings; returns it. */
  String pollUntilData() {
    return collect(1).get(0);
  }

  /** Polls until {@code count} packets other than pings and noops have arrived. */
  List<String> collect(int count) {
    List<String> data = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (data.size() < count && System.nanoTime() < deadline) {
      for (String packet : poll()) {
        if (packet.equals("2")) {
          push("3");
        } else if (!packet.equals("6")) {
          data.add(packet);
        }
      }
    }
    assertThat(data).as("data packets within %s", WAIT).hasSizeGreaterThanOrEqualTo(count);
    return data;
  }

  /** Opens a WebSocket on this path with {@code query}; pings are left to the test. */
  Frames websocket(String query) {
    return websocket(query, false);
  }

  /**
   * Opens a WebSocket on this path with {@code query}.
   *
   * @param autoPong answer every ping at once, on the client's I/O thread, without recording it
   */
  Frames websocket(String query, boolean autoPong) {
    Frames frames = new Frames();
    frames.autoPong = autoPong;
    frames.socket =
        http.newWebSocketBuilder()
            .connectTimeout(WAIT)
            .buildAsync(URI.create("ws://127.0.0.1:" + port() + path + "?" + query), frames)
            .join();
    return frames;
  }

  /** Records what a WebSocket receives: text as {@code String}, binary as {@code byte[]}. */
  static final class Frames implements WebSocket.Listener {
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile WebSocket socket;
    volatile boolean autoPong;
    private StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String frame = text.toString();
        text = new StringBuilder();
        if (autoPong && frame.equals("2")) {
          ws.sendText("3", true);
        } else {
          received.add(frame);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ByteBuffer joined = ByteBuffer.allocate(binary.remaining() + data.remaining());
      joined.put(binary).put(data).flip();
      binary = joined;
      if (last) {
        byte[] bytes = new byte[binary.remaining()];
        binary.get(bytes);
        received.add(bytes);
        binary = ByteBuffer.allocate(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(-1);
    }

    void send(String text) {
      socket.sendText(text, true).join();
    }

    void sendBinary(byte[] data) {
      socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** The next frame, skipping pings (answered) when {@code answerPings}. */
    Object next(boolean answerPings) {
      try {
        while (true) {
          Object frame = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          if (frame == null) {
            throw new AssertionError("no frame within " + WAIT);
          }
          if (answerPings && "2".equals(frame)) {
            send("3");
            continue;
          }
          return frame;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    String nextText() {
      Object frame = next(true);
      assertThat(frame).isInstanceOf(String.class);
      return (String) frame;
    }

    /** Waits for the server to close the socket; returns the close code (-1 on an error). */
    int awaitClose() {
      return closed.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }
  }
}
