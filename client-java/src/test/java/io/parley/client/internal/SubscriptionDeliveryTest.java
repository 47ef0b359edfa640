package io.parley.client.internal;

import static io.parley.protocol.Transport.SOCKET_IO;
import static io.parley.protocol.Transport.WEBSOCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.client.Ack;
import io.parley.client.Gap;
import io.parley.client.HandlerFailed;
import io.parley.client.Message;
import io.parley.client.ReconnectScheduled;
import io.parley.client.Subscription;
import io.parley.client.internal.FakeTransport.Script;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SubscriptionDeliveryTest {
  private final ClientFixture fixture = new ClientFixture();
  private final RecordingHandler handler = new RecordingHandler();
  private RealParleyClient client;

  @AfterEach
  void noSupervisorTaskFailed() {
    fixture.assertHealthy();
  }

  /** Connects on Socket.IO and subscribes to {@code jobs}, confirmed at {@code e1:0}. */
  private FakeConnection connectedAndSubscribed() {
    client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection connection = fixture.transports.last();
    connection.welcome();
    client.subscribe("jobs", handler);
    fixture.run();
    connection.confirm("jobs", new Position("e1", 0));
    fixture.run();
    return connection;
  }

  private FakeConnection reconnect(FakeConnection lost) {
    lost.drop("lost");
    fixture.run();
    fixture.advance(fixture.listener.skipTo(ReconnectScheduled.class).delay());
    FakeConnection fresh = fixture.transports.last();
    fresh.welcome();
    fixture.run();
    return fresh;
  }

  @Test
  void deliversMessagesInOrderWithTheirPayloadAndPosition() {
    FakeConnection connection = connectedAndSubscribed();
    assertThat(connection.lastSubscribe("jobs").since()).isNull();

    connection.message("jobs", "e1", 1);
    connection.message("jobs", "e1", 2);
    fixture.run();

    Message first = handler.takeMessage();
    assertThat(first).isEqualTo(new Message("jobs", "e1", 1, "tick", "1", 1_001));
    assertThat(first.position()).isEqualTo(new Position("e1", 1));
    assertThat(handler.takeMessage().seq()).isEqualTo(2);
    handler.assertExhausted();
    assertThat(client.metrics().messagesReceived()).isEqualTo(2);
  }

  @Test
  void resubscribesFromTheLastPositionAfterEveryReconnect() {
    FakeConnection first = connectedAndSubscribed();
    first.message("jobs", "e1", 1);
    first.message("jobs", "e1", 2);
    fixture.run();

    FakeConnection second = reconnect(first);
    assertThat(second.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 2));
    second.confirm("jobs", new Position("e1", 4));
    second.message("jobs", "e1", 3);
    second.message("jobs", "e1", 4);
    fixture.run();

    FakeConnection third = reconnect(second);
    assertThat(third.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 4));
    assertThat(handler.takeSeqs()).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void startsLiveFromTheSubscribedPositionAndResumesFromItAfterAReconnect() {
    FakeConnection first = connectedAndSubscribed();

    FakeConnection second = reconnect(first);

    assertThat(second.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 0));
  }

  @Test
  void aPositionAtSeqZeroTakesTheFirstMessagesOfAnyEpochWithoutAGap() {
    FakeConnection first = connectedAndSubscribed();
    FakeConnection second = reconnect(first);
    assertThat(second.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 0));

    // The server restarted before the channel's first message: nothing was lost.
    second.confirm("jobs", new Position("e2", 2));
    second.message("jobs", "e2", 1);
    second.message("jobs", "e2", 2);
    fixture.run();

    assertThat(handler.takeSeqs()).containsExactly(1L, 2L);
    handler.assertExhausted();
    assertThat(client.metrics().gapsSeen()).isZero();
  }

  @Test
  void resumesFromAStoredPosition() {
    client = fixture.start();
    Subscription subscription = client.subscribe("jobs", new Position("e7", 41), handler);
    client.connect();
    fixture.run();
    fixture.transports.last().welcome();
    fixture.run();

    assertThat(fixture.transports.last().lastSubscribe("jobs").since())
        .isEqualTo(new Position("e7", 41));
    assertThat(subscription.position()).contains(new Position("e7", 41));
  }

  @Test
  void dropsDuplicatesBySeqAndCountsThem() {
    FakeConnection connection = connectedAndSubscribed();

    connection.message("jobs", "e1", 1);
    connection.message("jobs", "e1", 2);
    connection.message("jobs", "e1", 2);
    connection.message("jobs", "e1", 1);
    connection.message("jobs", "e1", 3);
    fixture.run();

    assertThat(handler.takeSeqs()).containsExactly(1L, 2L, 3L);
    assertThat(client.metrics().duplicatesDropped()).isEqualTo(2);
  }

  @Test
  void deliversAGapExplicitlyAndAdoptsTheNewEpoch() {
    FakeConnection first = connectedAndSubscribed();
    first.message("jobs", "e1", 1);
    fixture.run();
    FakeConnection second = reconnect(first);
    second.frame(
        new ServerFrame.Subscribed(
            second.lastSubscribe("jobs").id(), "jobs", new Position("e2", 9), false));
    second.frame(new ServerFrame.Gap("jobs", new Position("e1", 1), new Position("e2", 7)));
    second.message("jobs", "e2", 8);
    second.message("jobs", "e2", 9);
    fixture.run();

    assertThat(handler.takeMessage().seq()).isEqualTo(1);
    Gap gap = handler.takeGap();
    assertThat(gap).isEqualTo(new Gap("jobs", new Position("e1", 1), new Position("e2", 7)));
    assertThat(gap.epochChanged()).isTrue();
    assertThat(handler.takeSeqs()).containsExactly(8L, 9L);
    assertThat(client.metrics().gapsSeen()).isEqualTo(1);

    FakeConnection third = reconnect(second);
    assertThat(third.lastSubscribe("jobs").since()).isEqualTo(new Position("e2", 9));
  }

  @Test
  void readsTheChannelAgainFromItsPositionWhenMessagesGoMissingInTransit() {
    FakeConnection connection = connectedAndSubscribed();

    connection.message("jobs", "e1", 1);
    connection.message("jobs", "e1", 4);
    connection.message("jobs", "e1", 5);
    fixture.run();

    assertThat(connection.sent())
        .filteredOn(ClientFrame.Unsubscribe.class::isInstance)
        .extracting(frame -> ((ClientFrame.Unsubscribe) frame).channel())
        .containsExactly("jobs");
    assertThat(connection.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 1));
    connection.confirm("jobs", new Position("e1", 5));
    connection.message("jobs", "e1", 2);
    connection.message("jobs", "e1", 3);
    connection.message("jobs", "e1", 4);
    connection.message("jobs", "e1", 5);
    fixture.run();

    for (long seq = 1; seq <= 5; seq++) {
      assertThat(handler.takeMessage().seq()).isEqualTo(seq);
    }
    assertThat(client.metrics().gapsSeen()).isZero();
  }

  @Test
  void reportsAGapWhenTheEpochChangesWithoutTheServerSayingSo() {
    FakeConnection connection = connectedAndSubscribed();

    connection.message("jobs", "e1", 1);
    connection.message("jobs", "e2", 4);
    fixture.run();

    assertThat(handler.takeMessage().seq()).isEqualTo(1);
    assertThat(handler.takeGap())
        .isEqualTo(new Gap("jobs", new Position("e1", 1), new Position("e2", 3)));
    assertThat(handler.takeMessage().seq()).isEqualTo(4);
  }

  @Test
  void switchesUpwardWithoutLosingOrRepeatingAMessage() {
    fixture.transport(SOCKET_IO).script(Script.REFUSE);
    client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection webSocket = fixture.transports.last();
    webSocket.welcome();
    client.subscribe("jobs", handler);
    fixture.run();
    webSocket.confirm("jobs", new Position("e1", 0));
    webSocket.message("jobs", "e1", 1);
    webSocket.message("jobs", "e1", 2);
    CompletableFuture<Ack> publish =
        client.publish("jobs", "note", "{\"n\":1}").toCompletableFuture();
    fixture.run();
    String publishId = webSocket.sent(ClientFrame.Publish.class).get(0).id();
    assertThat(client.status()).isEqualTo(ConnectionStatus.FALLBACK);

    // The probe finds Socket.IO working again and subscribes it from the current position.
    fixture.transport(SOCKET_IO).script(Script.MANUAL);
    fixture.advance(Duration.ofSeconds(30));
    FakeConnection socketIo = fixture.transport(SOCKET_IO).last();
    socketIo.welcome();
    fixture.run();
    assertThat(socketIo.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 2));

    // The old connection keeps delivering until the new one confirms.
    webSocket.message("jobs", "e1", 3);
    fixture.run();
    assertThat(client.transport()).contains(WEBSOCKET);
    socketIo.confirm("jobs", new Position("e1", 4));
    fixture.run();
    assertThat(webSocket.isClosed()).isTrue();
    assertThat(client.status()).isEqualTo(ConnectionStatus.CONNECTED);

    // The replay overlaps what the old connection delivered; the overlap is dropped.
    socketIo.message("jobs", "e1", 3);
    socketIo.message("jobs", "e1", 4);
    socketIo.message("jobs", "e1", 5);
    fixture.run();

    assertThat(handler.takeSeqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
    handler.assertExhausted();
    assertThat(client.metrics().duplicatesDropped()).isEqualTo(1);
    assertThat(client.metrics().gapsSeen()).isZero();

    // The unacknowledged publish went out again, with the same id, on the new connection.
    assertThat(socketIo.sent(ClientFrame.Publish.class))
        .extracting(ClientFrame.Publish::id)
        .containsExactly(publishId);
    socketIo.ackWithEpoch(publishId, 6, "e1");
    webSocket.ack(publishId, 6);
    fixture.run();
    assertThat(publish).isCompletedWithValue(new Ack("jobs", publishId, 6, "e1"));
  }

  @Test
  void waitsForALiveSubscriptionsPositionBeforeSubscribingTheCandidate() {
    fixture.transport(SOCKET_IO).script(Script.REFUSE);
    client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection webSocket = fixture.transports.last();
    webSocket.welcome();
    fixture.run();
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    client.subscribe("jobs", handler);
    fixture.advance(Duration.ofSeconds(30));
    FakeConnection socketIo = fixture.transport(SOCKET_IO).last();
    assertThat(socketIo.sent(ClientFrame.Subscribe.class)).isEmpty();

    webSocket.confirm("jobs", new Position("e1", 5));
    fixture.run();

    assertThat(socketIo.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 5));
    assertThat(client.transport()).contains(WEBSOCKET);
  }

  @Test
  void unsubscribeStopsDeliveryAndTellsTheServer() {
    FakeConnection connection = connectedAndSubscribed();
    Subscription subscription = client.subscribe("other", new RecordingHandler());
    fixture.run();
    connection.message("jobs", "e1", 1);
    fixture.run();
    handler.takeMessage();

    CompletableFuture<Void> done =
        client.subscribe("news", handler).unsubscribe().toCompletableFuture();
    subscription.unsubscribe();
    fixture.run();

    assertThat(done).isCompleted();
    assertThat(subscription.isActive()).isFalse();
    assertThat(connection.sent(ClientFrame.Unsubscribe.class))
        .extracting(ClientFrame.Unsubscribe::channel)
        .containsExactly("other");
    connection.message("other", "e1", 1);
    fixture.run();
    handler.assertExhausted();
  }

  @Test
  void doesNotCreditALateAnswerToAnOldSubscribeToANewSubscription() {
    FakeConnection connection = connectedAndSubscribed();
    Subscription old = client.subscribe("feed", new RecordingHandler());
    fixture.run();
    String oldId = connection.lastSubscribe("feed").id();
    old.unsubscribe();
    RecordingHandler fresh = new RecordingHandler();
    client.subscribe("feed", fresh);
    fixture.run();
    String newId = connection.lastSubscribe("feed").id();
    assertThat(newId).isNotEqualTo(oldId);

    connection.frame(new ServerFrame.Subscribed(oldId, "feed", new Position("f", 3), true));
    connection.frame(new ServerFrame.Subscribed(newId, "feed", new Position("f", 10), true));
    connection.message("feed", "f", 11);
    fixture.run();

    assertThat(fresh.takeMessage().seq()).isEqualTo(11);
    fresh.assertExhausted();
  }

  @Test
  void rejectsASecondActiveSubscriptionToTheSameChannel() {
    connectedAndSubscribed();

    assertThatThrownBy(() -> client.subscribe("jobs", new RecordingHandler()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already subscribed to jobs");
    assertThatThrownBy(() -> client.subscribe("no spaces", handler))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel must be 1 to 200 characters");
  }

  @Test
  void reportsASubscriptionRefusedForGoodOnceAndEndsIt() {
    client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection connection = fixture.transports.last();
    connection.welcome();
    Subscription subscription = client.subscribe("secret", handler);
    fixture.run();

    connection.error(connection.lastSubscribe("secret").id(), ErrorCode.FORBIDDEN);
    fixture.run();

    assertThat(handler.takeRejection().code()).isEqualTo(ErrorCode.FORBIDDEN);
    handler.assertExhausted();
    assertThat(subscription.isActive()).isFalse();
    FakeConnection next = reconnect(connection);
    assertThat(next.sent(ClientFrame.Subscribe.class)).isEmpty();
    client.subscribe("secret", handler);
  }

  @Test
  void reportsAThrowingHandlerAndKeepsDelivering() {
    FakeConnection connection = connectedAndSubscribed();
    RecordingHandler throwing =
        new RecordingHandler() {
          @Override
          public void onMessage(Message message) {
            super.onMessage(message);
            if (message.seq() == 1) {
              throw new IllegalStateException("handler bug");
            }
          }
        };
    client.subscribe("alerts", throwing);
    fixture.run();
    connection.confirm("alerts", new Position("a", 0));
    fixture.listener.drain();

    connection.message("alerts", "a", 1);
    connection.message("alerts", "a", 2);
    fixture.run();

    assertThat(throwing.takeSeqs()).containsExactly(1L, 2L);
    HandlerFailed failure = fixture.listener.take(HandlerFailed.class);
    assertThat(failure.channel()).isEqualTo("alerts");
    assertThat(failure.error()).hasMessage("handler bug");
    fixture.listener.assertExhausted();
  }

  @Test
  void subscriptionPositionIsTheLastHandledMessage() {
    FakeConnection connection = connectedAndSubscribed();
    Subscription subscription = client.subscribe("feed", new RecordingHandler());
    fixture.run();
    assertThat(subscription.position()).isEmpty();
    connection.confirm("feed", new Position("f", 10));
    connection.message("feed", "f", 11);
    fixture.run();

    assertThat(subscription.position()).contains(new Position("f", 11));
  }

  @Test
  void refusesMessagesWhileTheDispatcherIsFullAndResumesFromTheLastAcceptedOne() {
    ManualExecutor dispatcher = new ManualExecutor();
    fixture.builder.listenerExecutor(dispatcher).dispatchCapacity(2);
    client = fixture.start();
    client.removeListener(fixture.listener);
    client.subscribe("jobs", handler);
    client.connect();
    fixture.run();
    FakeConnection connection = fixture.transports.last();
    connection.welcome();
    fixture.run();
    connection.confirm("jobs", new Position("e1", 0));
    fixture.run();
    dispatcher.runAll();

    connection.message("jobs", "e1", 1);
    connection.message("jobs", "e1", 2);
    connection.message("jobs", "e1", 3);
    fixture.run();

    assertThat(connection.isClosed()).isTrue();
    assertThat(client.status()).isEqualTo(ConnectionStatus.RECONNECTING);
    dispatcher.runAll();
    assertThat(handler.takeSeqs()).containsExactly(1L, 2L);
    fixture.advance(Duration.ofSeconds(1));
    FakeConnection next = fixture.transports.last();
    next.welcome();
    fixture.run();
    assertThat(next.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 2));
  }

  /** Runs dispatched work only when the test says so. */
  private static final class ManualExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        task.run();
      }
    }
  }
}
