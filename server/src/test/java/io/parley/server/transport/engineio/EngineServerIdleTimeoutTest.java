package io.parley.server.transport.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.transport.Cors;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP idle timeout does not apply to Engine.IO WebSockets, whose heartbeat watches them (the
 * server drops the idle handler after the handshake); it still applies to plain HTTP connections.
 */
class EngineServerIdleTimeoutTest {
  private static final int IDLE_TIMEOUT_SECONDS = 1;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void webSocketSessionOutlivesTheHttpIdleTimeout() throws Exception {
    int port = start();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    CompletableFuture<String> open = new CompletableFuture<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    open.complete(data.toString());
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(
                      WebSocket webSocket, int statusCode, String reason) {
                    closed.complete(statusCode);
                    return null;
                  }

                  @Override
                  public void onError(WebSocket webSocket, Throwable error) {
                    closed.complete(-1);
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(open.get(10, TimeUnit.SECONDS)).startsWith("0{\"sid\"");

    // Nothing crosses the connection for three idle timeouts (the ping interval is an hour).
    Awaitility.await()
        .during(Duration.ofSeconds(3L * IDLE_TIMEOUT_SECONDS))
        .atMost(Duration.ofSeconds(10))
        .until(() -> !closed.isDone());
    socket.abort();
  }

  @Test
  void idleHttpConnectionIsStillClosed() throws Exception {
    int port = start();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      // The server closes the silent connection: the read ends with end of stream.
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  private int start() throws Exception {
    EngineSettings settings =
        new EngineSettings(
            Duration.ofHours(1), Duration.ofHours(1), 1_000, Duration.ofSeconds(10), 100);
    EngineServer engine =
        new EngineServer(
            vertx,
            settings,
            Cors.of(List.of(), false, "origins", "credentials"),
            socket ->
                socket.listener(
                    new EngineSocket.Listener() {
                      @Override
                      public void onMessage(EnginePacket packet) {}

                      @Override
                      public void onClose(String reason) {}
                    }));
    Router router = Router.router(vertx);
    router.route("/socket.io/").handler(engine::handle);
    HttpServer server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setHost("127.0.0.1")
                    .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                    .setIdleTimeoutUnit(TimeUnit.SECONDS))
            .requestHandler(router)
            .listen(0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }
}
