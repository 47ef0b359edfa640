package io.parley.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatClockTest {
  private static final long MS = 1_000_000;

  private final Vertx vertx = Vertx.vertx();
  private final HeartbeatClock clock = new HeartbeatClock(vertx);

  /** Far enough ahead that the clock's real timer never fires during a test that drives it. */
  private final long base = System.nanoTime() + TimeUnit.HOURS.toNanos(1);

  private final List<Beating> beaten = new ArrayList<>();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Records its heartbeats; then moves its deadline by {@code step}, or leaves, or stays put. */
  private final class Beating implements HeartbeatClock.Member {
    long due;
    long step = TimeUnit.SECONDS.toNanos(10);
    boolean leaveOnBeat;
    int beats;
    int index = -1;

    Beating(long due) {
      this.due = due;
    }

    @Override
    public long heartbeatDueNanos() {
      return due;
    }

    @Override
    public void heartbeat(long nowNanos) {
      beats++;
      beaten.add(this);
      if (leaveOnBeat) {
        clock.remove(this);
      } else {
        due = nowNanos + step;
      }
    }

    @Override
    public int clockIndex() {
      return index;
    }

    @Override
    public void clockIndex(int index) {
      this.index = index;
    }
  }

  @Test
  void membersBeatInDeadlineOrderOnlyOnceTheirDeadlineIsWithinAGrain() {
    Random random = new Random(42);
    List<Beating> members = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      Beating member = new Beating(base + random.nextInt(1_000) * MS + random.nextInt(1_000_000));
      member.leaveOnBeat = random.nextInt(4) == 0;
      members.add(member);
      clock.add(member);
    }
    long now = base + 500 * MS;

    clock.fire(now);

    List<Beating> due =
        members.stream()
            .filter(m -> m.beats > 0 || m.due - now <= HeartbeatClock.GRAIN_NANOS)
            .toList();
    for (Beating member : members) {
      boolean wasDue = beaten.contains(member);
      assertThat(member.beats).isEqualTo(wasDue ? 1 : 0);
      assertThat(member.index >= 0).isEqualTo(!(wasDue && member.leaveOnBeat));
    }
    assertThat(beaten).hasSameSizeAs(due);
    assertThat(beaten).allSatisfy(m -> assertThat(m.beats).isOne());
    long stillOn = members.stream().filter(m -> m.index >= 0).count();
    assertThat(clock.size()).isEqualTo((int) stillOn);
    // Nothing left on the clock is due within a grain of now.
    assertThat(members.stream().filter(m -> m.index >= 0))
        .allSatisfy(m -> assertThat(m.due - now).isGreaterThan(HeartbeatClock.GRAIN_NANOS));
  }

  @Test
  void heartbeatsComeInTheOrderOfTheDeadlines() {
    Random random = new Random(7);
    List<Beating> members = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Beating member = new Beating(base + random.nextInt(100_000) * 1_000L);
      members.add(member);
      clock.add(member);
    }
    List<Long> deadlines = new ArrayList<>();
    for (Beating member : members) {
      deadlines.add(member.due);
    }

    clock.fire(base + 100 * MS);

    assertThat(beaten).containsExactlyInAnyOrderElementsOf(members);
    List<Long> beatOrder = new ArrayList<>();
    for (Beating member : beaten) {
      beatOrder.add(deadlines.get(members.indexOf(member)));
    }
    assertThat(beatOrder).isSorted();
  }

  @Test
  void aRescheduledMemberBeatsAtItsNewDeadlineNotItsOldOne() {
    Beating early = new Beating(base + 10 * MS);
    Beating other = new Beating(base + 20 * MS);
    clock.add(early);
    clock.add(other);

    early.due = base + 50 * MS;
    clock.reschedule(early);
    clock.fire(base + 25 * MS);

    assertThat(beaten).containsExactly(other);
    clock.fire(base + 50 * MS);
    assertThat(beaten).containsExactly(other, early);
  }

  @Test
  void aMemberThatAsksForNothingMoreIsTakenOffInsteadOfSpinning() {
    Beating idle = new Beating(base);
    idle.step = 0;
    clock.add(idle);

    clock.fire(base);

    assertThat(idle.beats).isOne();
    assertThat(idle.index).isEqualTo(-1);
    assertThat(clock.size()).isZero();
  }

  @Test
  void addingTwiceAndRemovingTwiceAreHarmless() {
    Beating member = new Beating(base);
    clock.add(member);
    clock.add(member);
    assertThat(clock.size()).isOne();

    clock.remove(member);
    clock.remove(member);
    assertThat(clock.size()).isZero();
    clock.fire(base);
    assertThat(member.beats).isZero();
  }

  @Test
  void theTimerBeatsADueMemberOnItsLoopNotBeforeItsDeadline() {
    CompletableFuture<Long> beatAt = new CompletableFuture<>();
    long[] due = new long[1];
    vertx.runOnContext(
        v -> {
          due[0] = System.nanoTime() + 30 * MS;
          clock.add(
              new HeartbeatClock.Member() {
                int index = -1;

                @Override
                public long heartbeatDueNanos() {
                  return due[0];
                }

                @Override
                public void heartbeat(long nowNanos) {
                  clock.remove(this);
                  beatAt.complete(System.nanoTime());
                }

                @Override
                public int clockIndex() {
                  return index;
                }

                @Override
                public void clockIndex(int index) {
                  this.index = index;
                }
              });
        });

    long at = beatAt.orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(at - due[0]).isGreaterThanOrEqualTo(-HeartbeatClock.GRAIN_NANOS);
    assertThat(clock.size()).isZero();
    assertThat(Duration.ofNanos(at - due[0])).isLessThan(Duration.ofSeconds(5));
  }
}
