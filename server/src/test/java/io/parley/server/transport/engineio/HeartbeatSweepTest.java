package io.parley.server.transport.engineio;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatSweepTest {
  private final Vertx vertx = Vertx.vertx();
  private final HeartbeatSweep sweep =
      new HeartbeatSweep(
          vertx,
          new EngineSettings(
              Duration.ofHours(1), Duration.ofHours(1), 1_000, Duration.ofSeconds(10), 10));

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Counts its heartbeats; leaves the sweep on its turn when told to. */
  private final class Beating implements HeartbeatSweep.Member {
    int beats;
    int index = -1;
    boolean leaveOnBeat;

    @Override
    public void heartbeat(long nowNanos) {
      beats++;
      if (leaveOnBeat) {
        sweep.remove(this);
      }
    }

    @Override
    public int sweepIndex() {
      return index;
    }

    @Override
    public void sweepIndex(int index) {
      this.index = index;
    }
  }

  @Test
  void periodIsAFifthOfTheIntervalWithinTenMillisAndOneSecond() {
    assertThat(HeartbeatSweep.periodMillis(settings(Duration.ofSeconds(25)))).isEqualTo(1_000);
    assertThat(HeartbeatSweep.periodMillis(settings(Duration.ofMillis(300)))).isEqualTo(60);
    assertThat(HeartbeatSweep.periodMillis(settings(Duration.ofMillis(20)))).isEqualTo(10);
  }

  @Test
  void everyMemberBeatsOncePerSweepWhateverLeavesOnItsTurn() {
    Random random = new Random(42);
    List<Beating> members = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Beating member = new Beating();
      member.leaveOnBeat = random.nextInt(3) == 0;
      members.add(member);
      sweep.add(member);
    }
    // Some leave before the sweep, from the middle and the ends of the list.
    for (int i = 0; i < 200; i += 7) {
      sweep.remove(members.get(i));
    }

    sweep.sweep(0);

    for (int i = 0; i < 200; i++) {
      Beating member = members.get(i);
      assertThat(member.beats).as("member %d", i).isEqualTo(i % 7 == 0 ? 0 : 1);
      boolean stays = i % 7 != 0 && !member.leaveOnBeat;
      assertThat(member.index >= 0).as("member %d on the sweep", i).isEqualTo(stays);
    }
    long staying = members.stream().filter(m -> m.index >= 0).count();
    assertThat(sweep.size()).isEqualTo((int) staying);
  }

  @Test
  void addingTwiceAndRemovingTwiceAreHarmless() {
    Beating member = new Beating();
    sweep.add(member);
    sweep.add(member);
    assertThat(sweep.size()).isEqualTo(1);

    sweep.remove(member);
    sweep.remove(member);
    assertThat(sweep.size()).isZero();
    sweep.sweep(0);
    assertThat(member.beats).isZero();
  }

  private static EngineSettings settings(Duration pingInterval) {
    return new EngineSettings(
        pingInterval, Duration.ofSeconds(1), 1_000, Duration.ofSeconds(10), 10);
  }
}
