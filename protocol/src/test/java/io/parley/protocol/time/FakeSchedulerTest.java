package io.parley.protocol.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeSchedulerTest {
  @Test
  void runsTasksInDueOrderOnlyWhenTimeAdvances() {
    FakeScheduler scheduler = new FakeScheduler();
    List<String> ran = new ArrayList<>();
    scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("b"));
    scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("a"));
    scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("c"));

    scheduler.advance(Duration.ofMillis(999));
    assertThat(ran).isEmpty();

    assertThat(ran).isEmpty();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(ran).containsExactly("a");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("a", "b", "c");
    assertThat(scheduler.ticker().nanoTime()).isEqualTo(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void cancelledTaskNeverRuns() {
    FakeScheduler scheduler = new FakeScheduler();
    List<String> ran = new ArrayList<>();
    Scheduler.Cancellable handle = scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("x"));
    handle.cancel();
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(ran).isEmpty();
  }

  @Test
  void taskScheduledByTaskRunsWhenItsTimeComesWithinTheSameAdvance() {
    FakeScheduler scheduler = new FakeScheduler();
    List<Long> ranAtMillis = new ArrayList<>();
    scheduler.schedule(
        Duration.ofSeconds(1),
        () -> {
          ranAtMillis.add(scheduler.ticker().nanoTime() / 1_000_000);
          scheduler.schedule(
              Duration.ofSeconds(1),
              () -> ranAtMillis.add(scheduler.ticker().nanoTime() / 1_000_000));
        });
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(ranAtMillis).containsExactly(1000L, 2000L);
  }
}
