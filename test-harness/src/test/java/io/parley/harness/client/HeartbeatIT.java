package io.parley.harness.client;

import static io.parley.harness.client.TestClients.PATIENCE;
import static io.parley.harness.client.TestClients.join;
import static io.parley.harness.client.TestClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.ConnectionException;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.client.StatusChanged;
import io.parley.harness.fault.Blackhole;
import io.parley.harness.fault.Direction;
import io.parley.harness.proxy.FaultProxy;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dead-connection watchdog against a server that pings every 300 ms and allows 900 ms of
 * silence: a healthy connection (native WebSocket or Socket.IO) lives across many pings, and a
 * half-open native WebSocket (nothing passes either way) is dropped by the client's watchdog and
 * replaced.
 */
class HeartbeatIT {
  private static final Duration PING_INTERVAL = Duration.ofMillis(300);
  private static final Duration SILENCE_ALLOWED = Duration.ofMillis(900);

  private static ServerProcess server;

  @BeforeAll
  static void startServer() {
    server =
        ServerProcess.builder()
            .property("realtime.heartbeat.interval", PING_INTERVAL.toMillis() + "ms")
            .property("realtime.heartbeat.timeout", SILENCE_ALLOWED.toMillis() + "ms")
            // Engine.IO allows pingInterval + pingTimeout of silence: the same 900 ms.
            .property("realtime.socketio.ping-interval", PING_INTERVAL.toMillis() + "ms")
            .property(
                "realtime.socketio.ping-timeout",
                SILENCE_ALLOWED.minus(PING_INTERVAL).toMillis() + "ms")
            .build()
            .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "SOCKET_IO"})
  void staysConnectedAcrossManyServerPings(Transport transport) {
    try (Closer closer = new Closer()) {
      ParleyClient client =
          closer.add(TestClients.client(server.issuer(), server.baseUrl(), 51, transport).build());
      ConnectionLog log = new ConnectionLog();
      client.addListener(log);
      join(client.connect());

      // Connected throughout ten ping intervals, over three times the silence either side allows:
      // the server's pings keep the client's watchdog quiet, and its pongs keep the server's.
      await()
          .during(PING_INTERVAL.multipliedBy(10))
          .atMost(PATIENCE)
          .until(() -> client.status() == ConnectionStatus.CONNECTED);

      assertThat(client.status()).isEqualTo(ConnectionStatus.CONNECTED);
      assertThat(log.statuses())
          .extracting(StatusChanged::to)
          .containsExactly(ConnectionStatus.CONNECTING, ConnectionStatus.CONNECTED);
      assertThat(client.metrics().totalConnections()).isEqualTo(1);
      assertThat(client.metrics().failedConnections()).isZero();
    }
  }

  @Test
  void dropsAHalfOpenConnectionByItsWatchdogAndResumesOnANewOne() {
    String channel = "it.heartbeat.halfopen";
    try (FaultProxy proxy =
            FaultProxy.builder()
                .name("heartbeat")
                .upstream("127.0.0.1", server.port())
                .seed(53)
                .start();
        ParleyPublisher backend = TestClients.publisher(server.issuer(), server.baseUrl());
        Closer closer = new Closer()) {
      String epoch = publish(backend, channel, 1).epoch();
      ParleyClient client =
          closer.add(
              TestClients.client(
                      server.issuer(), "http://127.0.0.1:" + proxy.port(), 52, Transport.WEBSOCKET)
                  .build());
      ConnectionLog log = new ConnectionLog();
      client.addListener(log);
      Recorder recorder = new Recorder();
      join(client.connect());
      client.subscribe(channel, new Position(epoch, 1), recorder);
      publish(backend, channel, 2);
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == 2);

      // Half-open: the TCP connection stays up, but nothing gets through either way.
      proxy.addFault("mute-up", Direction.UPSTREAM, new Blackhole());
      proxy.addFault("mute-down", Direction.DOWNSTREAM, new Blackhole());
      publish(backend, channel, 3);
      await().atMost(PATIENCE).until(() -> client.status() == ConnectionStatus.RECONNECTING);
      StatusChanged lost =
          log.statuses().stream()
              .filter(s -> s.to() == ConnectionStatus.RECONNECTING)
              .findFirst()
              .orElseThrow();
      assertThat(lost.from()).isEqualTo(ConnectionStatus.CONNECTED);
      assertThat(lost.cause())
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("nothing heard from the server");
      publish(backend, channel, 4);

      proxy.resetAll();
      await()
          .atMost(PATIENCE)
          .until(() -> client.status() == ConnectionStatus.CONNECTED && recorder.lastSeq() == 4);
      publish(backend, channel, 5);
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == 5);

      assertThat(recorder.seqs()).isEqualTo(LongStream.rangeClosed(2, 5).boxed().toList());
      assertThat(recorder.gaps()).isEmpty();
      assertThat(client.metrics().reconnects()).isEqualTo(1);
      List<ConnectionStatus> path = log.statuses().stream().map(StatusChanged::to).toList();
      assertThat(path)
          .containsExactly(
              ConnectionStatus.CONNECTING,
              ConnectionStatus.CONNECTED,
              ConnectionStatus.RECONNECTING,
              ConnectionStatus.CONNECTED);
    }
  }
}
