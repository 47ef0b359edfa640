package io.parley.harness.client;

import static io.parley.harness.client.TestClients.PATIENCE;
import static io.parley.harness.client.TestClients.join;
import static io.parley.harness.client.TestClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.Ack;
import io.parley.client.Gap;
import io.parley.client.Message;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The in-memory server restarts (its channels get a new epoch) while clients are connected: the
 * subscriber is told a gap and goes on in the new epoch, and a publish made while the server was
 * down is delivered once when it is back.
 */
class ServerRestartIT {
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

  private static String url() {
    return server.baseUrl();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aRestartMidStreamIsReportedAsAGapThenDeliveryGoesOnInTheNewEpoch(Transport transport) {
    String channel = "it.restart.stream." + transport.name().toLowerCase(Locale.ROOT);
    Recorder recorder = new Recorder();
    try (Closer closer = new Closer()) {
      String oldEpoch;
      try (ParleyPublisher backend = TestClients.publisher(server.issuer(), url())) {
        oldEpoch = publish(backend, channel, 1).epoch();
        ParleyClient subscriber =
            closer.add(TestClients.client(server.issuer(), url(), 21, transport).build());
        join(subscriber.connect());
        subscriber.subscribe(channel, new Position(oldEpoch, 1), recorder);
        for (long n = 2; n <= 5; n++) {
          publish(backend, channel, n);
        }
        await().atMost(PATIENCE).until(() -> recorder.lastSeq() == 5);
      }

      server.restart();

      String newEpoch;
      try (ParleyPublisher backend = TestClients.publisher(server.issuer(), url())) {
        Ack first = publish(backend, channel, 6);
        newEpoch = first.epoch();
        assertThat(newEpoch).isNotEqualTo(oldEpoch);
        assertThat(first.seq()).isEqualTo(1);
        publish(backend, channel, 7);
        publish(backend, channel, 8);
      }
      await()
          .atMost(PATIENCE)
          .until(
              () -> {
                List<Message> messages = recorder.messages();
                Message last = messages.get(messages.size() - 1);
                return last.epoch().equals(newEpoch) && last.seq() == 3;
              });

      List<Object> events = recorder.events();
      List<Gap> gaps = recorder.gaps();
      assertThat(gaps).hasSize(1);
      Gap gap = gaps.get(0);
      assertThat(gap.from()).isEqualTo(new Position(oldEpoch, 5));
      assertThat(gap.to().epoch()).isEqualTo(newEpoch);
      assertThat(gap.epochChanged()).isTrue();
      int gapAt = events.indexOf(gap);
      assertThat(events.subList(0, gapAt))
          .extracting(e -> ((Message) e).position())
          .containsExactly(
              new Position(oldEpoch, 2),
              new Position(oldEpoch, 3),
              new Position(oldEpoch, 4),
              new Position(oldEpoch, 5));
      // After the gap: the new epoch from just after gap.to, each seq once, in order.
      List<Message> after =
          events.subList(gapAt + 1, events.size()).stream().map(e -> (Message) e).toList();
      assertThat(after).allMatch(m -> m.epoch().equals(newEpoch));
      assertThat(after)
          .extracting(Message::seq)
          .isEqualTo(
              java.util.stream.LongStream.rangeClosed(gap.to().seq() + 1, 3).boxed().toList());
      assertThat(after)
          .extracting(m -> TestClients.n(m.dataJson()))
          .allMatch(n -> n >= 6 && n <= 8);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aPublishMadeWhileTheServerIsDownIsDeliveredOnceWhenItIsBack(Transport transport) {
    String channel = "it.restart.outbox." + transport.name().toLowerCase(Locale.ROOT);
    Recorder recorder = new Recorder();
    try (Closer closer = new Closer()) {
      ParleyClient publisher =
          closer.add(TestClients.client(server.issuer(), url(), 31, transport).build());
      ParleyClient subscriber =
          closer.add(TestClients.client(server.issuer(), url(), 32, transport).build());
      join(publisher.connect());
      join(subscriber.connect());
      Ack first = join(publisher.publish(channel, "n", "{\"n\":1}"));
      String oldEpoch = first.epoch();
      subscriber.subscribe(channel, new Position(oldEpoch, 1), recorder);

      server.kill();
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  publisher.status() == ConnectionStatus.RECONNECTING
                      && subscriber.status() == ConnectionStatus.RECONNECTING);
      AtomicInteger completions = new AtomicInteger();
      CompletionStage<Ack> whileDown = publisher.publish(channel, "n", "{\"n\":2}");
      whileDown.whenComplete((ack, failure) -> completions.incrementAndGet());
      assertThat(publisher.metrics().outboxDepth()).isEqualTo(1);
      assertThat(whileDown.toCompletableFuture()).isNotDone();

      server.start();

      Ack ack = join(whileDown);
      assertThat(ack.epoch()).isNotEqualTo(oldEpoch);
      assertThat(ack.seq()).isEqualTo(1);
      Ack next = join(publisher.publish(channel, "n", "{\"n\":3}"));
      assertThat(next.seq()).isEqualTo(2);
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == 2);

      assertThat(completions).hasValue(1);
      assertThat(publisher.metrics().outboxDepth()).isZero();
      assertThat(recorder.messages())
          .extracting(m -> TestClients.n(m.dataJson()))
          .containsExactly(2L, 3L);
      assertThat(recorder.messages())
          .extracting(Message::position)
          .containsExactly(new Position(ack.epoch(), 1), new Position(ack.epoch(), 2));
      assertThat(recorder.gaps()).hasSize(1);

      // The server stored it once: a fresh reader from the start sees it exactly once.
      Recorder audit = new Recorder();
      ParleyClient auditor =
          closer.add(TestClients.client(server.issuer(), url(), 33, Transport.WEBSOCKET).build());
      join(auditor.connect());
      auditor.subscribe(channel, new Position(ack.epoch(), 0), audit);
      await().atMost(PATIENCE).until(() -> audit.lastSeq() == 2);
      assertThat(audit.messages())
          .extracting(m -> TestClients.n(m.dataJson()))
          .containsExactly(2L, 3L);
      assertThat(audit.gaps()).isEmpty();
      assertThat(completions).hasValue(1);
    }
  }
}
