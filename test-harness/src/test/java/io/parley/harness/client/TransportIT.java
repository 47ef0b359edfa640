package io.parley.harness.client;

import static io.parley.harness.client.TestClients.PATIENCE;
import static io.parley.harness.client.TestClients.join;
import static io.parley.harness.client.TestClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.parley.client.Ack;
import io.parley.client.Gap;
import io.parley.client.Message;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.client.PublishRejectedException;
import io.parley.client.Subscription;
import io.parley.client.SubscriptionRejectedException;
import io.parley.harness.fault.Direction;
import io.parley.harness.fault.RefuseConnections;
import io.parley.harness.proxy.FaultProxy;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each transport alone against the real server (one server for the class, history cut to {@value
 * #HISTORY_SIZE} messages per channel), some through a {@link FaultProxy} that can cut the client
 * off: connect, subscribe from a position or live, publish (ack with seq and epoch), receive,
 * resume after a disconnect with nothing lost and nothing twice, a gap when the history no longer
 * covers the disconnect, unsubscribe and subscribe again, and typed refusals.
 */
class TransportIT {
  /** Messages the server keeps per channel: small, so that a test can outrun it. */
  private static final int HISTORY_SIZE = 20;

  private static ServerProcess server;
  private static ParleyPublisher backend;

  @BeforeAll
  static void startServer() {
    server =
        ServerProcess.builder()
            .property("realtime.history.size", String.valueOf(HISTORY_SIZE))
            .build()
            .start();
    backend = TestClients.publisher(server.issuer(), server.baseUrl());
  }

  @AfterAll
  static void stopServer() {
    if (backend != null) {
      backend.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void publishesReceivesAndResumesAfterADisconnectWithoutLossOrDuplicate(Transport transport)
      throws Exception {
    publishesReceivesAndResumes(transport);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void resumingPastTheHistoryIsReportedAsAGapThenTheRestFollows(Transport transport)
      throws Exception {
    String channel = "it.trimmed." + transport.name().toLowerCase(Locale.ROOT);
    String epoch = publish(backend, channel, 1).epoch();
    try (FaultProxy proxy =
            FaultProxy.builder()
                .name("trimmed-" + transport.ordinal())
                .upstream("127.0.0.1", server.port())
                .seed(8)
                .start();
        Closer closer = new Closer()) {
      ParleyClient client =
          closer.add(
              TestClients.client(server.issuer(), "http://127.0.0.1:" + proxy.port(), 18, transport)
                  .build());
      Recorder recorder = new Recorder();
      join(client.connect());
      client.subscribe(channel, new Position(epoch, 1), recorder);
      publish(backend, channel, 2);
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == 2);

      proxy.addFault("refuse", Direction.UPSTREAM, new RefuseConnections());
      proxy.disconnectAll();
      await().atMost(PATIENCE).until(() -> client.status() == ConnectionStatus.RECONNECTING);
      long last = 2 + HISTORY_SIZE + 10;
      for (long n = 3; n <= last; n++) {
        publish(backend, channel, n);
      }
      proxy.removeFault("refuse");
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == last);

      long firstKept = last - HISTORY_SIZE + 1;
      List<Object> events = recorder.events();
      assertThat(events.get(0))
          .isInstanceOfSatisfying(Message.class, m -> assertThat(m.seq()).isEqualTo(2));
      assertThat(events.get(1))
          .isEqualTo(new Gap(channel, new Position(epoch, 2), new Position(epoch, firstKept - 1)));
      assertThat(recorder.seqs())
          .isEqualTo(
              LongStream.concat(LongStream.of(2), LongStream.rangeClosed(firstKept, last))
                  .boxed()
                  .toList());
      assertThat(client.metrics().gapsSeen()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aLiveSubscriptionReceivesEverythingPublishedOnceItIsInPlace(Transport transport) {
    String channel = "it.live." + transport.name().toLowerCase(Locale.ROOT);
    publish(backend, channel, 0);
    try (Closer closer = new Closer()) {
      ParleyClient client =
          closer.add(TestClients.client(server.issuer(), server.baseUrl(), 12, transport).build());
      Recorder recorder = new Recorder();
      client.subscribe(channel, recorder);
      join(client.connect());
      // When the subscription takes effect is not observable: publish until one arrives.
      AtomicLong n = new AtomicLong();
      await()
          .atMost(PATIENCE)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                publish(backend, channel, n.incrementAndGet());
                return !recorder.messages().isEmpty();
              });
      long firstSeq = recorder.messages().get(0).seq();
      for (int i = 0; i < 3; i++) {
        publish(backend, channel, n.incrementAndGet());
      }
      long lastSeq = n.get() + 1;
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == lastSeq);

      assertThat(firstSeq).isGreaterThan(1);
      assertThat(recorder.seqs())
          .isEqualTo(LongStream.rangeClosed(firstSeq, lastSeq).boxed().toList());
      assertThat(recorder.gaps()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aClientThatSubscribesLiveThenPublishesSeesItsOwnMessage(Transport transport) {
    String channel = "it.own." + transport.name().toLowerCase(Locale.ROOT);
    publish(backend, channel, 0);
    try (Closer closer = new Closer()) {
      ParleyClient client =
          closer.add(TestClients.client(server.issuer(), server.baseUrl(), 17, transport).build());
      join(client.connect());
      Recorder recorder = new Recorder();

      client.subscribe(channel, recorder);
      Ack ack = join(client.publish(channel, "n", "{\"n\":1}"));

      assertThat(ack.seq()).isEqualTo(2);
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == 2);
      assertThat(recorder.events()).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void replaysFromTheStartWithoutAGapWhenSinceIsSeqZeroOfAnotherEpoch(Transport transport) {
    String channel = "it.seqzero." + transport.name().toLowerCase(Locale.ROOT);
    for (long n = 1; n <= 3; n++) {
      publish(backend, channel, n);
    }
    try (Closer closer = new Closer()) {
      ParleyClient client =
          closer.add(TestClients.client(server.issuer(), server.baseUrl(), 13, transport).build());
      Recorder recorder = new Recorder();
      join(client.connect());
      // As stored by a client that subscribed live before a restart, when nothing had come yet.
      client.subscribe(channel, new Position("lost-epoch", 0), recorder);
      publish(backend, channel, 4);
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == 4);

      assertThat(recorder.events()).hasSize(4);
      assertThat(recorder.seqs()).containsExactly(1L, 2L, 3L, 4L);
      assertThat(client.metrics().gapsSeen()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unsubscribeStopsDeliveryAndTheChannelCanBeSubscribedAgain(Transport transport) {
    String channel = "it.unsubscribe." + transport.name().toLowerCase(Locale.ROOT);
    String epoch = publish(backend, channel, 1).epoch();
    try (Closer closer = new Closer()) {
      ParleyClient client =
          closer.add(TestClients.client(server.issuer(), server.baseUrl(), 16, transport).build());
      join(client.connect());
      Recorder before = new Recorder();
      Subscription first = client.subscribe(channel, new Position(epoch, 0), before);
      await().atMost(PATIENCE).until(() -> before.lastSeq() == 1);

      join(first.unsubscribe());
      publish(backend, channel, 2);
      Recorder after = new Recorder();
      Subscription second = client.subscribe(channel, new Position(epoch, 1), after);
      publish(backend, channel, 3);
      await().atMost(PATIENCE).until(() -> after.lastSeq() == 3);

      assertThat(first.isActive()).isFalse();
      assertThat(second.isActive()).isTrue();
      assertThat(before.seqs()).containsExactly(1L);
      assertThat(after.seqs()).containsExactly(2L, 3L);
      assertThat(after.gaps()).isEmpty();
      assertThat(client.status()).isEqualTo(ConnectionStatus.CONNECTED);
      assertThat(client.metrics().totalConnections()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "SOCKET_IO"})
  void refusalsArriveAsTypedErrorsWithTheServersCode(Transport transport) {
    try (Closer closer = new Closer()) {
      ParleyClient client =
          closer.add(TestClients.client(server.issuer(), server.baseUrl(), 14, transport).build());
      join(client.connect());
      Recorder recorder = new Recorder();

      Subscription subscription = client.subscribe("session:someone-else", recorder);
      CompletableFuture<Ack> publish =
          client.publish("session:someone-else", "n", "{\"n\":1}").toCompletableFuture();

      assertThatThrownBy(() -> publish.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
          .cause()
          .isInstanceOfSatisfying(
              PublishRejectedException.class,
              rejected -> {
                assertThat(rejected.code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
                assertThat(rejected.channel()).isEqualTo("session:someone-else");
              });
      assertSubscriptionRejected(recorder, subscription, ErrorCode.CHANNEL_RESERVED);
      assertThat(client.status()).isEqualTo(ConnectionStatus.CONNECTED);
      assertThat(client.metrics().outboxDepth()).isZero();
    }
  }

  /**
   * Over HTTP a client publishes through {@code /realtime/publish}, the backends' endpoint, which
   * may publish to {@code session:*}; but reading one must be refused as on the other transports.
   */
  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"HTTP_LONG_POLL", "HTTP_POLL"})
  void aPollRefusesAnotherSessionsChannel(Transport transport) {
    try (Closer closer = new Closer()) {
      ParleyClient client =
          closer.add(TestClients.client(server.issuer(), server.baseUrl(), 15, transport).build());
      join(client.connect());
      Recorder recorder = new Recorder();

      Subscription subscription = client.subscribe("session:someone-else", recorder);

      assertSubscriptionRejected(recorder, subscription, ErrorCode.CHANNEL_RESERVED);
      assertThat(client.status()).isEqualTo(ConnectionStatus.CONNECTED);
    }
  }

  private static void assertSubscriptionRejected(
      Recorder recorder, Subscription subscription, ErrorCode code) {
    await().atMost(PATIENCE).until(() -> !recorder.events().isEmpty());
    assertThat(recorder.events())
        .singleElement()
        .isInstanceOfSatisfying(
            SubscriptionRejectedException.class, e -> assertThat(e.code()).isEqualTo(code));
    assertThat(subscription.isActive()).isFalse();
  }

  private void publishesReceivesAndResumes(Transport transport) throws Exception {
    String channel = "it.transport." + transport.name().toLowerCase(Locale.ROOT);
    Ack first = publish(backend, channel, 1);
    String epoch = first.epoch();
    assertThat(first.seq()).isEqualTo(1);

    try (FaultProxy proxy =
            FaultProxy.builder()
                .name("transport-" + transport.ordinal())
                .upstream("127.0.0.1", server.port())
                .seed(7)
                .start();
        Closer closer = new Closer()) {
      ParleyClient client =
          TestClients.client(server.issuer(), "http://127.0.0.1:" + proxy.port(), 11, transport)
              .build();
      closer.add(client);
      ConnectionLog log = new ConnectionLog();
      client.addListener(log);
      Recorder recorder = new Recorder();

      join(client.connect());
      assertThat(client.status()).isEqualTo(ConnectionStatus.CONNECTED);
      assertThat(client.transport()).contains(transport);
      Subscription subscription = client.subscribe(channel, new Position(epoch, 1), recorder);

      Ack ack = join(client.publish(channel, "n", "{\"n\":2}"));
      assertThat(ack.channel()).isEqualTo(channel);
      assertThat(ack.seq()).isEqualTo(2);
      assertThat(ack.epoch()).isEqualTo(epoch);
      for (long n = 3; n <= 5; n++) {
        publish(backend, channel, n);
      }
      await().atMost(PATIENCE).until(() -> recorder.seqs().size() >= 4);
      assertThat(recorder.seqs()).containsExactly(2L, 3L, 4L, 5L);
      assertThat(recorder.messages().get(0).dataJson()).isEqualTo("{\"n\":2}");
      assertThat(recorder.messages()).allMatch(m -> m.epoch().equals(epoch));
      await()
          .atMost(PATIENCE)
          .until(() -> subscription.position().map(Position::seq).orElse(0L) == 5);

      // Cut the client off and keep it off while the channel moves on.
      proxy.addFault("refuse", Direction.UPSTREAM, new RefuseConnections());
      proxy.disconnectAll();
      await().atMost(PATIENCE).until(() -> client.status() == ConnectionStatus.RECONNECTING);
      for (long n = 6; n <= 10; n++) {
        publish(backend, channel, n);
      }
      proxy.removeFault("refuse");

      await()
          .atMost(PATIENCE)
          .until(
              () -> client.status() == ConnectionStatus.CONNECTED && recorder.seqs().size() >= 9);
      Ack after = join(client.publish(channel, "n", "{\"n\":11}"));
      assertThat(after.seq()).isEqualTo(11);
      await().atMost(PATIENCE).until(() -> recorder.lastSeq() == 11);

      List<Long> expected = LongStream.rangeClosed(2, 11).boxed().toList();
      assertThat(recorder.seqs()).isEqualTo(expected);
      assertThat(recorder.gaps()).isEmpty();
      assertThat(recorder.messages())
          .extracting(m -> TestClients.n(m.dataJson()))
          .isEqualTo(expected);
      assertThat(client.metrics().reconnects()).isGreaterThanOrEqualTo(1);
      assertThat(client.transport()).isEqualTo(Optional.of(transport));
      assertThat(log.handlerFailures()).isEmpty();
    }
  }
}
