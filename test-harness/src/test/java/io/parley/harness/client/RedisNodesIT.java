package io.parley.harness.client;

import static io.parley.harness.client.TestClients.PATIENCE;
import static io.parley.harness.client.TestClients.join;
import static io.parley.harness.client.TestClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.Ack;
import io.parley.client.Message;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.harness.auth.TestIssuer;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.Transport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two server processes sharing the machine's Redis ({@code realtime.backplane=redis}) under a key
 * prefix of this test's own: a message published on one node reaches clients on the other; clients
 * whose node dies resume on the other with no gap and no duplicate; publishers on both nodes share
 * one gapless sequence; a restarted node serves its clients with no gap.
 */
class RedisNodesIT {
  private static final List<Transport> TRANSPORTS =
      List.of(Transport.SOCKET_IO, Transport.WEBSOCKET, Transport.HTTP_LONG_POLL);

  private final String prefix = "parley-test:" + UUID.randomUUID() + ":";
  private final TestIssuer issuer = TestIssuer.create();

  @AfterEach
  void deleteKeys() {
    RedisKeys.deleteUnder(prefix);
  }

  private ServerProcess node() {
    return ServerProcess.builder()
        .issuer(issuer)
        .property("realtime.backplane", "redis")
        .property("realtime.redis.key-prefix", prefix)
        .build();
  }

  @Test
  void clientsOnEveryTransportMoveToTheOtherNodeWhenTheirsDiesWithNoGapAndNoDuplicate()
      throws Exception {
    String channel = "it.redis.move";
    try (ServerProcess a = node().start();
        ServerProcess b = node().start();
        SwitchingBalancer balancer = new SwitchingBalancer(a.port());
        Closer closer = new Closer();
        ParleyPublisher toA = TestClients.publisher(issuer, a.baseUrl());
        ParleyPublisher toB = TestClients.publisher(issuer, b.baseUrl())) {
      List<Recorder> recorders = new ArrayList<>();
      for (int i = 0; i < TRANSPORTS.size(); i++) {
        Recorder recorder = new Recorder();
        ParleyClient client =
            closer.add(
                TestClients.client(issuer, balancer.baseUrl(), 80 + i, TRANSPORTS.get(i)).build());
        client.subscribe(channel, recorder);
        join(client.connect());
        recorders.add(recorder);
      }
      // Subscriptions confirmed: a first message reaches every client before counting.
      await()
          .atMost(PATIENCE)
          .until(
              () -> {
                publish(toB, channel, 0);
                return recorders.stream().allMatch(r -> !r.messages().isEmpty());
              });
      // Published on both nodes; the clients are all on A.
      for (long n = 1; n <= 6; n++) {
        publish(n % 2 == 0 ? toA : toB, channel, n);
      }
      await().atMost(PATIENCE).until(() -> recorders.stream().allMatch(r -> lastN(r) == 6));

      balancer.target(b.port());
      a.kill();
      for (long n = 7; n <= 12; n++) {
        publish(toB, channel, n);
      }
      await().atMost(PATIENCE).until(() -> recorders.stream().allMatch(r -> lastN(r) == 12));

      for (int i = 0; i < recorders.size(); i++) {
        Recorder recorder = recorders.get(i);
        Transport transport = TRANSPORTS.get(i);
        assertThat(recorder.gaps()).as("%s: no gap", transport).isEmpty();
        List<Long> ns =
            recorder.messages().stream()
                .map(m -> TestClients.n(m.dataJson()))
                .filter(n -> n > 0)
                .toList();
        assertThat(ns)
            .as("%s: every message once, in order", transport)
            .isEqualTo(LongStream.rangeClosed(1, 12).boxed().toList());
        List<Long> seqs = recorder.seqs();
        for (int k = 1; k < seqs.size(); k++) {
          assertThat(seqs.get(k))
              .as("%s: seqs consecutive", transport)
              .isEqualTo(seqs.get(k - 1) + 1);
        }
        assertThat(recorder.messages().stream().map(Message::epoch).distinct())
            .as("%s: one epoch across both nodes", transport)
            .hasSize(1);
      }
    }
  }

  @Test
  void publishersOnTwoNodesShareOneGaplessSequence() {
    String channel = "it.redis.race";
    int each = 100;
    try (ServerProcess a = node().start();
        ServerProcess b = node().start();
        ParleyPublisher toA = TestClients.publisher(issuer, a.baseUrl());
        ParleyPublisher toB = TestClients.publisher(issuer, b.baseUrl())) {
      List<CompletableFuture<Ack>> acks = new ArrayList<>();
      for (int i = 0; i < each; i++) {
        acks.add(toA.publish(channel, "n", "{\"n\":" + i + "}").toCompletableFuture());
        acks.add(toB.publish(channel, "n", "{\"n\":" + i + "}").toCompletableFuture());
      }
      Set<Long> seqs = new HashSet<>();
      for (CompletableFuture<Ack> ack : acks) {
        seqs.add(join(ack).seq());
      }
      assertThat(seqs)
          .hasSize(2 * each)
          .containsAll(LongStream.rangeClosed(1, 2 * each).boxed().toList());
    }
  }

  @Test
  void aClientResumesAcrossARestartOfItsNodeWithNoGap() {
    String channel = "it.redis.restart";
    Recorder recorder = new Recorder();
    try (ServerProcess a = node().start();
        ServerProcess b = node().start();
        Closer closer = new Closer();
        ParleyPublisher toB = TestClients.publisher(issuer, b.baseUrl())) {
      ParleyClient client =
          closer.add(TestClients.client(issuer, a.baseUrl(), 90, Transport.WEBSOCKET).build());
      client.subscribe(channel, recorder);
      join(client.connect());
      await()
          .atMost(PATIENCE)
          .until(
              () -> {
                publish(toB, channel, 0);
                return !recorder.messages().isEmpty();
              });
      publish(toB, channel, 1);
      await().atMost(PATIENCE).until(() -> lastN(recorder) == 1);

      a.kill();
      publish(toB, channel, 2); // while the client's node is down
      a.start();
      publish(toB, channel, 3);
      await().atMost(PATIENCE).until(() -> lastN(recorder) == 3);

      assertThat(recorder.gaps()).isEmpty();
      assertThat(
              recorder.messages().stream()
                  .map(m -> TestClients.n(m.dataJson()))
                  .filter(n -> n > 0)
                  .toList())
          .containsExactly(1L, 2L, 3L);
    }
  }

  private static long lastN(Recorder recorder) {
    List<Message> messages = recorder.messages();
    return messages.isEmpty() ? -1 : TestClients.n(messages.get(messages.size() - 1).dataJson());
  }
}
