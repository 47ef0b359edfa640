package io.parley.server.livefeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DashboardTest {
  /** Writes that complete only when the test says so: a dashboard that does not read. */
  private final List<String> written = new ArrayList<>();

  private final List<CompletableFuture<Void>> pending = new ArrayList<>();

  private Dashboard stalled(int capacity) {
    return new Dashboard(
        "d",
        capacity,
        line -> {
          written.add(line);
          CompletableFuture<Void> done = new CompletableFuture<>();
          pending.add(done);
          return done;
        });
  }

  private void completeWrites() {
    while (!pending.isEmpty()) {
      pending.remove(0).complete(null);
    }
  }

  @Test
  void writesOneLineAtATimeInOrder() {
    Dashboard dashboard = stalled(10);
    dashboard.offerEvent("e1");
    dashboard.offerEvent("e2");
    assertThat(written).containsExactly("e1");
    completeWrites();
    assertThat(written).containsExactly("e1", "e2");
  }

  @Test
  void aFullQueueDropsTheOldestLinesAndSaysHowManyBeforeTheNext() {
    Dashboard dashboard = stalled(2);
    dashboard.offerEvent("e1"); // written at once, then stuck
    for (int i = 2; i <= 6; i++) {
      dashboard.offerEvent("e" + i);
    }
    assertThat(dashboard.waiting()).isEqualTo(2);
    completeWrites();
    assertThat(written).containsExactly("e1", "{\"type\":\"lost\",\"count\":3}", "e5", "e6");
  }

  @Test
  void onlyTheNewestUnwrittenStatsLineIsWrittenAndBeforeWaitingEvents() {
    Dashboard dashboard = stalled(10);
    dashboard.offerEvent("e1");
    dashboard.offerEvent("e2");
    dashboard.offerStats("s1");
    dashboard.offerStats("s2");
    completeWrites();
    assertThat(written).containsExactly("e1", "s2", "e2");
  }

  @Test
  void writesThatCompleteAtOnceDrainTheQueueWithoutRecursion() {
    List<String> lines = new ArrayList<>();
    Dashboard dashboard =
        new Dashboard(
            "d",
            100_000,
            line -> {
              lines.add(line);
              return CompletableFuture.completedFuture(null);
            });
    for (int i = 0; i < 100_000; i++) {
      dashboard.offerEvent("e" + i);
    }
    assertThat(lines).hasSize(100_000).endsWith("e99999");
  }

  @Test
  void aFailedWriteClosesTheDashboardAndLaterOffersAreIgnored() {
    Dashboard dashboard = stalled(10);
    dashboard.offerEvent("e1");
    dashboard.offerEvent("e2");
    pending.remove(0).completeExceptionally(new IllegalStateException("closed"));
    dashboard.offerEvent("e3");
    assertThat(written).containsExactly("e1");
    assertThat(dashboard.waiting()).isZero();
  }

  @Test
  void aCapacityBelowOneIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> stalled(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("realtime.admin.live.queue must be at least 1 but was 0");
  }
}
