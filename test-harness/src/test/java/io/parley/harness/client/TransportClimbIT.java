package io.parley.harness.client;

import static io.parley.harness.client.TestClients.PATIENCE;
import static io.parley.harness.client.TestClients.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.Ack;
import io.parley.client.ClientOptions;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.client.TransportChanged;
import io.parley.harness.fault.Direction;
import io.parley.harness.fault.UpgradeFilter;
import io.parley.harness.proxy.FaultProxy;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's first "done when": with WebSocket upgrades refused by a proxy the client connects over
 * HTTP long-polling ({@code FALLBACK}), and climbs back to the WebSocket once upgrades pass again,
 * while a publisher runs at 200 messages a second; the subscriber sees every seq once, in order.
 *
 * <p>Socket.IO is not in this ladder: its Engine.IO connection starts on HTTP polling, which a
 * proxy refusing upgrades lets through, so it would connect (as the {@code SOCKET_IO} rung, {@code
 * CONNECTED}) and never fall back; the FaultProxy has no fault that blocks one URL path.
 */
class TransportClimbIT {
  private static final Duration PUBLISH_PERIOD = Duration.ofMillis(5);

  private static ServerProcess server;

  @BeforeAll
  static void startServer() {
    server = ServerProcess.builder().build().start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void climbsFromLongPollBackToTheWebSocketWithoutLosingOrRepeatingAMessage() throws Exception {
    String channel = "it.climb";
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    try (FaultProxy proxy =
            FaultProxy.builder()
                .name("climb")
                .upstream("127.0.0.1", server.port())
                .seed(41)
                .start();
        Closer closer = new Closer()) {
      proxy.addFault(
          "no-upgrades", Direction.UPSTREAM, new UpgradeFilter(UpgradeFilter.Mode.REFUSE));
      ParleyClient publisher =
          closer.add(
              TestClients.client(server.issuer(), server.baseUrl(), 42, Transport.WEBSOCKET)
                  .build());
      join(publisher.connect());
      Ack first = join(publisher.publish(channel, "n", "{\"n\":0}"));

      ParleyClient subscriber =
          closer.add(
              TestClients.client(
                      server.issuer(),
                      "http://127.0.0.1:" + proxy.port(),
                      43,
                      Transport.WEBSOCKET,
                      Transport.HTTP_LONG_POLL,
                      Transport.HTTP_POLL)
                  .build());
      ConnectionLog log = new ConnectionLog();
      subscriber.addListener(log);
      Recorder recorder = new Recorder();
      subscriber.subscribe(channel, new Position(first.epoch(), 1), recorder);
      join(subscriber.connect());
      assertThat(subscriber.status()).isEqualTo(ConnectionStatus.FALLBACK);
      assertThat(subscriber.transport()).contains(Transport.HTTP_LONG_POLL);

      // 200 messages a second, each acknowledged.
      AtomicLong sent = new AtomicLong();
      List<CompletableFuture<Ack>> acks = new CopyOnWriteArrayList<>();
      ticker.scheduleAtFixedRate(
          () -> {
            long n = sent.incrementAndGet();
            acks.add(publisher.publish(channel, "n", "{\"n\":" + n + "}").toCompletableFuture());
          },
          0,
          PUBLISH_PERIOD.toMillis(),
          TimeUnit.MILLISECONDS);

      await().atMost(PATIENCE).until(() -> recorder.lastSeq() >= 200);
      assertThat(subscriber.transport()).contains(Transport.HTTP_LONG_POLL);

      proxy.removeFault("no-upgrades");
      await()
          .atMost(PATIENCE)
          .until(() -> subscriber.transport().equals(Optional.of(Transport.WEBSOCKET)));
      assertThat(subscriber.status()).isEqualTo(ConnectionStatus.CONNECTED);
      long atSwitch = recorder.lastSeq();
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() >= atSwitch + 200);

      ticker.shutdown();
      assertThat(ticker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0]))
          .get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      long last = acks.stream().mapToLong(f -> f.join().seq()).max().orElseThrow();
      assertThat(last).isEqualTo(sent.get() + 1);
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == last);

      assertThat(recorder.seqs()).isEqualTo(LongStream.rangeClosed(2, last).boxed().toList());
      assertThat(recorder.gaps()).isEmpty();
      assertThat(recorder.messages()).allMatch(m -> m.epoch().equals(first.epoch()));
      assertThat(log.transports())
          .containsExactly(
              new TransportChanged(null, Transport.HTTP_LONG_POLL),
              new TransportChanged(Transport.HTTP_LONG_POLL, Transport.WEBSOCKET));
    } finally {
      ticker.shutdownNow();
    }
  }

  @Test
  void socketIoStaysOnPollingBehindAProxyThatStripsUpgradesAndCountsAsConnected() throws Exception {
    String channel = "it.strip.socketio";
    try (FaultProxy proxy =
            FaultProxy.builder()
                .name("strip")
                .upstream("127.0.0.1", server.port())
                .seed(44)
                .start();
        ParleyPublisher backend = TestClients.publisher(server.issuer(), server.baseUrl());
        Closer closer = new Closer()) {
      proxy.addFault("strip", Direction.UPSTREAM, new UpgradeFilter(UpgradeFilter.Mode.STRIP));
      String epoch = TestClients.publish(backend, channel, 1).epoch();
      ParleyClient client =
          closer.add(
              TestClients.client(
                      server.issuer(),
                      "http://127.0.0.1:" + proxy.port(),
                      45,
                      ClientOptions.DEFAULT_TRANSPORTS.toArray(new Transport[0]))
                  .build());
      ConnectionLog log = new ConnectionLog();
      client.addListener(log);
      Recorder recorder = new Recorder();
      client.subscribe(channel, new Position(epoch, 1), recorder);
      join(client.connect());

      Ack ack = join(client.publish(channel, "n", "{\"n\":2}"));
      TestClients.publish(backend, channel, 3);
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == 3);
      // Longer than the probe interval: no probe runs, since SOCKET_IO is the best rung.
      await()
          .during(Duration.ofSeconds(2))
          .atMost(PATIENCE)
          .until(() -> client.status() == ConnectionStatus.CONNECTED);

      assertThat(ack.seq()).isEqualTo(2);
      assertThat(client.transport()).contains(Transport.SOCKET_IO);
      assertThat(recorder.seqs()).containsExactly(2L, 3L);
      assertThat(log.transports()).containsExactly(new TransportChanged(null, Transport.SOCKET_IO));
      assertThat(client.metrics().fallbacks()).isZero();
      assertThat(client.metrics().failedConnections()).isZero();
    }
  }
}
