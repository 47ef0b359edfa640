package io.parley.client.internal;

import static io.parley.protocol.Transport.HTTP_LONG_POLL;
import static io.parley.protocol.Transport.SOCKET_IO;
import static io.parley.protocol.Transport.WEBSOCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.parley.client.AuthenticationException;
import io.parley.client.ClientOptions;
import io.parley.client.ConnectionException;
import io.parley.client.ReconnectScheduled;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.protocol.time.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ReconnectRoundsTest {
  private static final BackoffPolicy ONE_TWO_FOUR =
      BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final FakeScheduler scheduler = new FakeScheduler();
  private final EventLoop loop = new EventLoop(scheduler);
  private final TransportLadder ladder =
      new TransportLadder(
          List.of(SOCKET_IO, WEBSOCKET, HTTP_LONG_POLL),
          1,
          Duration.ofMinutes(2),
          scheduler.ticker());
  private final AtomicInteger steps = new AtomicInteger();

  private ReconnectRounds rounds(int maxAttempts, Duration fallbackDelay) {
    return new ReconnectRounds(ladder, ONE_TWO_FOUR, maxAttempts, fallbackDelay, loop);
  }

  private static ConnectionException refused() {
    return new ConnectionException("refused", SOCKET_IO, null, null);
  }

  private static ConnectionException busy(Duration retryAfter) {
    return new ConnectionException(
        "busy", SOCKET_IO, ErrorCode.SERVER_UNAVAILABLE, null, retryAfter);
  }

  /** Every transport {@code next} gives until it gives {@code null}: one round or walk. */
  static List<Transport> drain(Supplier<Transport> next) {
    List<Transport> all = new ArrayList<>();
    for (Transport transport = next.get(); transport != null; transport = next.get()) {
      all.add(transport);
    }
    return all;
  }

  @Test
  void aRoundTriesEachTransportTheLadderDoesNotSkipOnceBestFirst() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);
    ladder.recordFailure(WEBSOCKET);

    rounds.begin();

    assertThat(drain(rounds::next)).containsExactly(SOCKET_IO, HTTP_LONG_POLL);
    assertThat(rounds.next()).isNull();
  }

  @Test
  void schedulesRoundsAfterTheBackoffDelaysNumberedFromOne() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);
    List<ReconnectScheduled> scheduled = new ArrayList<>();

    for (int i = 0; i < 3; i++) {
      scheduled.add(rounds.schedule(refused(), steps::incrementAndGet));
      scheduler.advance(scheduled.get(i).delay());
    }

    assertThat(scheduled)
        .extracting(ReconnectScheduled::attempt, ReconnectScheduled::delay)
        .containsExactly(
            tuple(1, Duration.ofSeconds(1)),
            tuple(2, Duration.ofSeconds(2)),
            tuple(3, Duration.ofSeconds(4)));
    assertThat(steps).hasValue(3);
  }

  @Test
  void runsTheNextRoundOnlyWhenItsDelayHasPassed() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);

    rounds.schedule(refused(), steps::incrementAndGet);
    scheduler.advance(Duration.ofMillis(999));
    assertThat(steps).hasValue(0);

    scheduler.advance(Duration.ofMillis(1));
    assertThat(steps).hasValue(1);
  }

  @Test
  void waitsTheLongestDelayAServerAskedForThenForgetsIt() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);
    rounds.noSoonerThan(Duration.ofSeconds(7));
    rounds.noSoonerThan(Duration.ofSeconds(3));
    rounds.noSoonerThan(null);

    assertThat(rounds.schedule(refused(), steps::incrementAndGet).delay())
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(rounds.schedule(refused(), steps::incrementAndGet).delay())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aServerDelayShorterThanTheBackoffChangesNothing() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);
    rounds.noSoonerThan(Duration.ofMillis(10));

    assertThat(rounds.schedule(refused(), steps::incrementAndGet).delay())
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void honoursAServersRetryAfterCappedAtFiveMinutes() {
    assertThat(ReconnectRounds.retryAfter(busy(Duration.ofSeconds(40))))
        .isEqualTo(Duration.ofSeconds(40));
    assertThat(ReconnectRounds.retryAfter(busy(Duration.ofHours(2))))
        .isEqualTo(ReconnectRounds.MAX_RETRY_AFTER)
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void findsNoRetryAfterInOtherFailures() {
    assertThat(ReconnectRounds.retryAfter(refused())).isNull();
    assertThat(ReconnectRounds.retryAfter(busy(Duration.ofSeconds(-1)))).isNull();
    assertThat(
            ReconnectRounds.retryAfter(
                new AuthenticationException("no", ErrorCode.TOKEN_INVALID, SOCKET_IO)))
        .isNull();
  }

  @Test
  void isExhaustedAfterMaxAttemptsFailedRoundsAndGivesUpWithTheLastFailure() {
    ReconnectRounds rounds = rounds(2, Duration.ZERO);
    rounds.schedule(refused(), steps::incrementAndGet);
    assertThat(rounds.exhausted()).isFalse();
    rounds.schedule(refused(), steps::incrementAndGet);

    assertThat(rounds.exhausted()).isTrue();
    ConnectionException gaveUp = rounds.gaveUp(refused());
    assertThat(gaveUp).hasMessage("gave up after 2 retry rounds; last failure: refused");
    assertThat(gaveUp.getCause()).hasMessage("refused");
  }

  @Test
  void neverExhaustsWithUnlimitedAttempts() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);
    for (int i = 0; i < 100; i++) {
      rounds.schedule(refused(), steps::incrementAndGet);
    }

    assertThat(rounds.exhausted()).isFalse();
  }

  @Test
  void aStableConnectionStartsTheBackoffOver() {
    ReconnectRounds rounds = rounds(2, Duration.ZERO);
    rounds.schedule(refused(), steps::incrementAndGet);
    rounds.schedule(refused(), steps::incrementAndGet);

    rounds.stable();

    assertThat(rounds.exhausted()).isFalse();
    assertThat(rounds.schedule(refused(), steps::incrementAndGet).attempt()).isEqualTo(1);
  }

  @Test
  void waitsTheFallbackDelayOnlyWhileAnotherTransportIsLeftInTheRound() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ofMillis(250));
    rounds.begin();
    rounds.next();

    rounds.tryNextAfterFallbackDelay(steps::incrementAndGet);
    assertThat(steps).hasValue(0);
    scheduler.advance(Duration.ofMillis(250));
    assertThat(steps).hasValue(1);

    rounds.next();
    rounds.next();
    rounds.tryNextAfterFallbackDelay(steps::incrementAndGet);
    assertThat(steps).as("the last try ends the round at once").hasValue(2);
  }

  @Test
  void triesTheNextTransportAtOnceWithoutAFallbackDelay() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);
    rounds.begin();
    rounds.next();

    rounds.tryNextAfterFallbackDelay(steps::incrementAndGet);

    assertThat(steps).hasValue(1);
  }

  @Test
  void cancelStopsTheScheduledRound() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);
    rounds.schedule(refused(), steps::incrementAndGet);

    rounds.cancel();
    scheduler.advance(Duration.ofMinutes(1));

    assertThat(steps).hasValue(0);
  }

  @Test
  void remembersTheLastFailureForTheRoundThatRunsOut() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);
    assertThat(rounds.lastFailure()).isNull();
    ConnectionException second = refused();

    rounds.failed(refused());
    rounds.failed(second);

    assertThat(rounds.lastFailure()).isSameAs(second);
  }

  @Test
  void aConnectionForgetsARetryAfterNotedOnTheWay() {
    ReconnectRounds rounds = rounds(ClientOptions.UNLIMITED_ATTEMPTS, Duration.ZERO);
    rounds.noSoonerThan(Duration.ofSeconds(60)); // a busy node the client moved away from

    rounds.connected();

    assertThat(rounds.schedule(refused(), steps::incrementAndGet).delay())
        .isEqualTo(Duration.ofSeconds(1));
  }
}
