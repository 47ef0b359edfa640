package io.parley.client.internal;

import static io.parley.protocol.Transport.HTTP_LONG_POLL;
import static io.parley.protocol.Transport.HTTP_POLL;
import static io.parley.protocol.Transport.SOCKET_IO;
import static io.parley.protocol.Transport.WEBSOCKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.time.FakeScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandoverTest {
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

  private final FakeScheduler scheduler = new FakeScheduler();
  private final TransportLadder ladder =
      new TransportLadder(
          List.of(SOCKET_IO, WEBSOCKET, HTTP_LONG_POLL, HTTP_POLL),
          1,
          Duration.ofMinutes(2),
          scheduler.ticker());
  private final Handover handover = new Handover(new EventLoop(scheduler), ladder, PROBE_INTERVAL);
  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void probesTheTransportsAboveTheCurrentOneBestFirst() {
    assertThat(handover.startProbe(HTTP_LONG_POLL)).isTrue();

    assertThat(handover.isProbing()).isTrue();
    assertThat(ReconnectRoundsTest.drain(handover::nextCandidate))
        .containsExactly(SOCKET_IO, WEBSOCKET);
  }

  @Test
  void probesNothingFromTheBestTransport() {
    assertThat(handover.startProbe(SOCKET_IO)).isFalse();

    assertThat(handover.isProbing()).isFalse();
    assertThat(handover.nextCandidate()).isNull();
  }

  @Test
  void probesSkippedTransportsToo() {
    ladder.recordFailure(SOCKET_IO);

    handover.startProbe(WEBSOCKET);

    assertThat(ReconnectRoundsTest.drain(handover::nextCandidate)).containsExactly(SOCKET_IO);
  }

  @Test
  void runsAProbeAfterTheIntervalAndKeepsOnlyOneScheduled() {
    handover.scheduleProbe(runs::incrementAndGet);
    handover.scheduleProbe(runs::incrementAndGet);

    scheduler.advance(PROBE_INTERVAL.minusMillis(1));
    assertThat(runs).hasValue(0);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(runs).hasValue(1);

    handover.scheduleProbe(runs::incrementAndGet);
    scheduler.advance(PROBE_INTERVAL);
    assertThat(runs).as("a probe that ran can be scheduled again").hasValue(2);
  }

  @Test
  void migratesOverTheWholeRoundOrderAndReplacesAProbe() {
    handover.scheduleProbe(runs::incrementAndGet);
    handover.startProbe(HTTP_POLL);
    ladder.recordFailure(WEBSOCKET);

    handover.startMigration();

    assertThat(handover.isProbing()).isFalse();
    assertThat(ReconnectRoundsTest.drain(handover::nextCandidate))
        .containsExactly(SOCKET_IO, HTTP_LONG_POLL, HTTP_POLL);
    scheduler.advance(PROBE_INTERVAL);
    assertThat(runs).as("the scheduled probe was cancelled").hasValue(0);
  }

  @Test
  void runsAMigrationAfterTheServersDelayOnce() {
    handover.scheduleMigration(Duration.ofMillis(500), runs::incrementAndGet);
    assertThat(handover.migrationScheduled()).isTrue();

    scheduler.advance(Duration.ofMillis(500));

    assertThat(runs).hasValue(1);
    assertThat(handover.migrationScheduled()).isFalse();
  }

  @Test
  void stopCancelsTheScheduledProbeAndMigration() {
    handover.scheduleProbe(runs::incrementAndGet);
    handover.scheduleMigration(Duration.ofMillis(500), runs::incrementAndGet);

    handover.stop();
    scheduler.advance(Duration.ofHours(1));

    assertThat(runs).hasValue(0);
    assertThat(handover.migrationScheduled()).isFalse();
  }

  @Test
  void abandonForgetsTheWalkAndASwitchEndsTheProbe() {
    handover.startProbe(HTTP_POLL);
    handover.nextCandidate();

    handover.abandon();
    assertThat(handover.nextCandidate()).isNull();
    assertThat(handover.isProbing()).isTrue();

    handover.switched();
    assertThat(handover.isProbing()).isFalse();
  }
}
