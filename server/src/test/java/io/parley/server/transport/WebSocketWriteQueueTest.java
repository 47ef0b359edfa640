package io.parley.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A socket that closes while a message is fanned out to it must not fail the fan-out: Vert.x's
 * {@code writeQueueFull} throws for a closed socket, {@link WebSocketDeflate#writeQueueFull} does
 * not.
 */
class WebSocketWriteQueueTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aClosedSocketsWriteQueueCountsAsNotFullInsteadOfThrowing() throws Exception {
    CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    HttpServer server =
        vertx
            .createHttpServer()
            .webSocketHandler(
                ws -> {
                  ws.closeHandler(ignored -> closed.complete(null));
                  accepted.complete(ws);
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    vertx
        .createHttpClient()
        .webSocket(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(server.actualPort())
                .setURI("/"))
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .close();
    ServerWebSocket ws = accepted.get(10, TimeUnit.SECONDS);
    closed.get(10, TimeUnit.SECONDS);

    assertThatThrownBy(ws::writeQueueFull).isInstanceOf(IllegalStateException.class);
    assertThat(WebSocketDeflate.writeQueueFull(ws)).isFalse();
  }
}
