package io.parley.harness.client;

import static io.parley.harness.client.TestClients.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.ParleyClient;
import io.parley.client.TransportChanged;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Transport;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node with {@code realtime.transports.websocket=false}: the Java client takes its {@code 404
 * TRANSPORT_DISABLED} as "not offered here", goes to the next rung at once (not after the fallback
 * delay, which is set far longer than the test waits) and says so in its {@code TransportChanged}.
 */
class TransportNotOfferedIT {
  private static ServerProcess server;

  @BeforeAll
  static void startServer() {
    server =
        ServerProcess.builder().property("realtime.transports.websocket", "false").build().start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRungTheServerDoesNotOfferIsSkippedAtOnceAndReported() throws Exception {
    try (Closer closer = new Closer()) {
      ParleyClient client =
          closer.add(
              TestClients.client(
                      server.issuer(),
                      server.baseUrl(),
                      7,
                      Transport.WEBSOCKET,
                      Transport.HTTP_LONG_POLL)
                  .fallbackDelay(Duration.ofMinutes(5))
                  .probeInterval(Duration.ofMinutes(5))
                  .build());
      ConnectionLog log = new ConnectionLog();
      client.addListener(log);

      join(client.connect());

      await().until(() -> client.status() == ConnectionStatus.FALLBACK);
      assertThat(client.transport()).contains(Transport.HTTP_LONG_POLL);
      assertThat(log.transports())
          .containsExactly(
              new TransportChanged(null, Transport.HTTP_LONG_POLL, Set.of(Transport.WEBSOCKET)));
      assertThat(client.metrics().failedConnections()).isOne();
    }
  }
}
