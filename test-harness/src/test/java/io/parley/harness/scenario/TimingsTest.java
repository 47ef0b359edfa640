package io.parley.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimingsTest {

  @Test
  void measuresDetectionWorkingTransportAndClimbBackFromTheMarks() {
    List<Timings.Mark> marks =
        List.of(
            new Timings.Mark(0, Timings.MarkKind.CONNECT, "connect"),
            new Timings.Mark(1_000, Timings.MarkKind.FAILURE, "fault"),
            new Timings.Mark(5_000, Timings.MarkKind.RECOVERY, "remove"));
    List<Timings.StatusAt> client =
        List.of(
            new Timings.StatusAt(0, "DISCONNECTED", "CONNECTING"),
            new Timings.StatusAt(200, "CONNECTING", "CONNECTED"),
            new Timings.StatusAt(1_300, "CONNECTED", "RECONNECTING"),
            new Timings.StatusAt(2_100, "RECONNECTING", "FALLBACK"),
            new Timings.StatusAt(5_700, "FALLBACK", "CONNECTED"));

    List<Timings.MarkTimes> times = Timings.compute(marks, List.of(client));

    assertThat(times.get(0).working().max()).isEqualTo(200);
    assertThat(times.get(1).detection().max()).isEqualTo(300);
    assertThat(times.get(1).working().max()).isEqualTo(1_100);
    assertThat(times.get(2).climb().max()).isEqualTo(700);
  }

  @Test
  void leavesOutClientsThatNeverNoticedAFailureOrWereAlreadyOnTheBestTransport() {
    List<Timings.Mark> marks =
        List.of(
            new Timings.Mark(1_000, Timings.MarkKind.FAILURE, "latency"),
            new Timings.Mark(3_000, Timings.MarkKind.RECOVERY, "remove"));
    List<Timings.StatusAt> client = List.of(new Timings.StatusAt(100, "CONNECTING", "CONNECTED"));

    List<Timings.MarkTimes> times = Timings.compute(marks, List.of(client));

    assertThat(times.get(0).detection().count()).isZero();
    assertThat(times.get(1).climb().count()).isZero();
  }

  @Test
  void spreadIsTheTenthToNinetiethPercentileRange() {
    assertThat(
            Timings.Stats.spread(List.of(0L, 100L, 200L, 300L, 400L, 500L, 600L, 700L, 800L, 900L)))
        .isEqualTo(800);
    assertThat(Timings.Stats.spread(List.of(5L))).isZero();
  }
}
