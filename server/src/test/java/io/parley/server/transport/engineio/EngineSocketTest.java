package io.parley.server.transport.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.transport.HeartbeatClock;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineSocketTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void outboundQueueIsBoundedAndRefusesWhatDoesNotFit() {
    Context context = vertx.getOrCreateContext();
    EngineSettings settings =
        new EngineSettings(
            Duration.ofSeconds(25), Duration.ofSeconds(20), 1_000, Duration.ofSeconds(10), 3);
    EngineSocket socket =
        new EngineSocket(
            "sid",
            "127.0.0.1",
            vertx,
            context,
            settings,
            new HeartbeatClock(vertx),
            EngineTransport.POLLING,
            ended -> {});

    // No GET is pending: nothing is written, so the queue fills up.
    assertThat(socket.offer(EnginePacket.message("a"))).isTrue();
    assertThat(socket.offer(List.of(EnginePacket.message("b"), EnginePacket.message("c"))))
        .isTrue();
    assertThat(socket.offer(EnginePacket.message("d"))).isFalse();
    assertThat(socket.offer(List.of())).isTrue();
  }
}
