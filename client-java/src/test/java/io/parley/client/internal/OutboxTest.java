package io.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.client.Ack;
import io.parley.client.AuthenticationException;
import io.parley.client.OutboxFullException;
import io.parley.client.PublishRejectedException;
import io.parley.client.ReconnectScheduled;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxTest {
  private final ClientFixture fixture = new ClientFixture();
  private RealParleyClient client;

  @AfterEach
  void noSupervisorTaskFailed() {
    fixture.assertHealthy();
  }

  private FakeConnection connected() {
    client.connect();
    fixture.run();
    FakeConnection connection = fixture.transports.last();
    connection.welcome();
    fixture.run();
    return connection;
  }

  @Test
  void failsFastWithOutboxFullWhenEveryPublishIsWaiting() {
    fixture.builder.outboxCapacity(2);
    client = fixture.start();

    CompletableFuture<Ack> first = client.publish("jobs", "e", "1").toCompletableFuture();
    CompletableFuture<Ack> second = client.publish("jobs", "e", "2").toCompletableFuture();
    CompletableFuture<Ack> third = client.publish("jobs", "e", "3").toCompletableFuture();

    assertThat(third)
        .isCompletedExceptionally()
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            OutboxFullException.class, e -> assertThat(e.capacity()).isEqualTo(2));
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    assertThat(client.metrics().outboxDepth()).isEqualTo(2);

    FakeConnection connection = connected();
    List<ClientFrame.Publish> sent = connection.sent(ClientFrame.Publish.class);
    assertThat(sent).hasSize(2);
    connection.ack(sent.get(0).id(), 1);
    fixture.run();
    assertThat(client.metrics().outboxDepth()).isEqualTo(1);
    assertThat(client.publish("jobs", "e", "4").toCompletableFuture()).isNotDone();
  }

  @Test
  void sendsPublishesQueuedOfflineInOrderAfterConnectingAndCompletesEachOnce() {
    client = fixture.start();
    CompletableFuture<Ack> first =
        client.publish("jobs", "progress", "{\"pct\":10}").toCompletableFuture();
    CompletableFuture<Ack> second =
        client.publish("jobs", "progress", "{\"pct\":20}").toCompletableFuture();
    AtomicInteger completions = new AtomicInteger();
    first.whenComplete((ack, failure) -> completions.incrementAndGet());
    fixture.run();

    FakeConnection connection = connected();
    List<ClientFrame.Publish> sent = connection.sent(ClientFrame.Publish.class);
    assertThat(sent)
        .extracting(p -> p.data().toString())
        .containsExactly("{\"pct\":10}", "{\"pct\":20}");
    assertThat(sent.get(0).channel()).isEqualTo("jobs");
    assertThat(sent.get(0).event()).isEqualTo("progress");
    assertThat(sent.get(0).id()).isNotEqualTo(sent.get(1).id());

    connection.ack(sent.get(0).id(), 7);
    connection.ack(sent.get(0).id(), 7);
    fixture.run();

    assertThat(first).isCompletedWithValue(new Ack("jobs", sent.get(0).id(), 7, "e1"));
    assertThat(completions).hasValue(1);
    assertThat(second).isNotDone();
  }

  @Test
  void resendsUnacknowledgedPublishesWithTheSameIdAfterAReconnect() {
    client = fixture.start();
    FakeConnection first = connected();
    CompletableFuture<Ack> publish = client.publish("jobs", "e", "null").toCompletableFuture();
    fixture.run();
    String id = first.sent(ClientFrame.Publish.class).get(0).id();

    first.drop("lost before the ack");
    fixture.run();
    fixture.advance(fixture.listener.skipTo(ReconnectScheduled.class).delay());
    FakeConnection second = fixture.transports.last();
    second.welcome();
    fixture.run();

    assertThat(second.sent(ClientFrame.Publish.class))
        .extracting(ClientFrame.Publish::id)
        .containsExactly(id);
    second.ackWithEpoch(id, 3, "e1");
    fixture.run();
    assertThat(publish).isCompletedWithValue(new Ack("jobs", id, 3, "e1"));
  }

  @Test
  void failsThePublishWithTheServersCodeWhenRefusedForGood() {
    client = fixture.start();
    FakeConnection connection = connected();
    CompletableFuture<Ack> publish = client.publish("session:x", "e", "1").toCompletableFuture();
    fixture.run();
    String id = connection.sent(ClientFrame.Publish.class).get(0).id();

    connection.error(id, ErrorCode.CHANNEL_RESERVED);
    fixture.run();

    assertThat(publish)
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            PublishRejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
              assertThat(e.channel()).isEqualTo("session:x");
              assertThat(e.publishId()).isEqualTo(id);
            });
    assertThat(client.metrics().outboxDepth()).isZero();
  }

  @Test
  void resendsAfterARetryableErrorUntilAcknowledged() {
    client = fixture.start();
    FakeConnection connection = connected();
    CompletableFuture<Ack> publish = client.publish("jobs", "e", "1").toCompletableFuture();
    fixture.run();
    String id = connection.sent(ClientFrame.Publish.class).get(0).id();

    connection.error(id, ErrorCode.RATE_LIMITED);
    fixture.run();
    assertThat(connection.sent(ClientFrame.Publish.class)).hasSize(1);
    fixture.advance(Duration.ofSeconds(1));

    assertThat(connection.sent(ClientFrame.Publish.class))
        .extracting(ClientFrame.Publish::id)
        .containsExactly(id, id);
    assertThat(publish).isNotDone();
    connection.ack(id, 1);
    fixture.run();
    assertThat(publish).isCompleted();
  }

  @Test
  void failsEveryPendingPublishWhenTheClientGivesUp() {
    client = fixture.start();
    CompletableFuture<Ack> publish = client.publish("jobs", "e", "1").toCompletableFuture();
    client.connect();
    fixture.run();

    fixture.transports.last().rejectToken(ErrorCode.TOKEN_INVALID);
    fixture.run();

    assertThat(publish)
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(AuthenticationException.class);
    assertThat(client.publish("jobs", "e", "2").toCompletableFuture())
        .isNotDone(); // refused on the loop
    fixture.run();
    assertThat(client.metrics().outboxDepth()).isZero();
  }

  @Test
  void rejectsAnInvalidPublishAtOnceWithoutQueueingIt() {
    client = fixture.start();

    assertThatThrownBy(() -> client.publish("jobs", "e", "{not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("dataJson must be valid JSON");
    assertThatThrownBy(() -> client.publish("jobs", "e", "1 2"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.publish("jobs", "e", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.publish("jobs", "", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event must have 1 to 200 characters");
    assertThatThrownBy(() -> client.publish("a b", "e", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel must be")
        .hasMessageEndingWith("but 'a b' has ' ' (U+0020) at position 2");
    assertThat(client.metrics().outboxDepth()).isZero();
  }
}
