package io.parley.harness.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultParametersTest {

  @Test
  void latencySamplesStayWithinTheJitterAndNeverGoBelowZero() {
    Latency latency = new Latency(Duration.ofMillis(10), Duration.ofMillis(30));
    SplittableRandom random = new SplittableRandom(5);

    assertThat(IntStream.range(0, 1000).mapToObj(i -> latency.sample(random)))
        .allMatch(d -> !d.isNegative() && d.compareTo(Duration.ofMillis(40)) <= 0)
        .contains(Duration.ZERO);
  }

  @Test
  void latencyWithoutJitterIsExactAndDrawsNothing() {
    SplittableRandom random = new SplittableRandom(5);
    SplittableRandom untouched = new SplittableRandom(5);

    assertThat(Latency.of(Duration.ofMillis(7)).sample(random)).isEqualTo(Duration.ofMillis(7));
    assertThat(random.nextLong()).isEqualTo(untouched.nextLong());
  }

  @Test
  void rejectsNegativeTimes() {
    assertThatThrownBy(() -> Latency.of(Duration.ofMillis(-1))).hasMessageContaining("latency");
    assertThatThrownBy(() -> new Latency(Duration.ZERO, Duration.ofMillis(-1)))
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> new Timeout(Duration.ofSeconds(-1))).hasMessageContaining("after");
    assertThatThrownBy(() -> new Slicer(5, 0, Duration.ofMillis(-1))).hasMessageContaining("delay");
  }

  @Test
  void rejectsRatesAndCountsOutOfRange() {
    assertThatThrownBy(() -> new Bandwidth(0)).hasMessageContaining("bytesPerSecond");
    assertThatThrownBy(() -> new ResetPeer(-1)).hasMessageContaining("afterBytes");
    assertThatThrownBy(() -> new Slicer(0, 0, Duration.ZERO)).hasMessageContaining("averageSize");
    assertThatThrownBy(() -> new Slicer(5, 5, Duration.ZERO)).hasMessageContaining("sizeVariation");
  }

  @Test
  void slicerSizesStayWithinTheVariation() {
    Slicer slicer = new Slicer(10, 4, Duration.ZERO);
    SplittableRandom random = new SplittableRandom(9);

    assertThat(IntStream.range(0, 1000).map(i -> slicer.sampleSize(random)))
        .allMatch(size -> size >= 6 && size <= 14)
        .contains(6, 14);
  }

  @Test
  void parsesWireNamesIgnoringCaseAndListsTheValidOnes() {
    assertThat(FaultType.fromWireName("RESET_PEER")).isEqualTo(FaultType.RESET_PEER);
    assertThat(Direction.fromWireName("Downstream")).isEqualTo(Direction.DOWNSTREAM);
    assertThat(UpgradeFilter.Mode.fromWireName("strip")).isEqualTo(UpgradeFilter.Mode.STRIP);
    assertThatThrownBy(() -> FaultType.fromWireName("lag"))
        .hasMessageContaining("latency, bandwidth, slicer");
  }

  @Test
  void everyFaultReportsItsOwnType() {
    assertThat(new Blackhole().type()).isEqualTo(FaultType.BLACKHOLE);
    assertThat(new RefuseConnections().type()).isEqualTo(FaultType.REFUSE_CONNECTIONS);
    assertThat(ResetPeer.now().type()).isEqualTo(FaultType.RESET_PEER);
    assertThat(new Timeout(Duration.ZERO).type()).isEqualTo(FaultType.TIMEOUT);
    assertThat(new Bandwidth(1).type()).isEqualTo(FaultType.BANDWIDTH);
    assertThat(new Slicer(1, 0, Duration.ZERO).type()).isEqualTo(FaultType.SLICER);
    assertThat(Latency.of(Duration.ZERO).type()).isEqualTo(FaultType.LATENCY);
    assertThat(new UpgradeFilter(UpgradeFilter.Mode.REFUSE).type())
        .isEqualTo(FaultType.UPGRADE_FILTER);
  }
}
