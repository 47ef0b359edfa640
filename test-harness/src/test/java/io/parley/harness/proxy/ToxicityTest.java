package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.Latency;
import io.parley.harness.fault.RefuseConnections;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ToxicityTest {

  private static final FaultRule HALF_REFUSED =
      FaultRule.of("flaky", Direction.UPSTREAM, new RefuseConnections()).withToxicity(0.5);

  @Test
  void aSeededProxyRefusesExactlyThePredictedConnections() throws IOException {
    List<Boolean> predicted =
        LongStream.rangeClosed(1, 16).mapToObj(id -> Dice.applies(7, id, HALF_REFUSED)).toList();

    List<Boolean> firstRun = refusals(7, 16);
    List<Boolean> secondRun = refusals(7, 16);

    assertThat(firstRun).isEqualTo(predicted).isEqualTo(secondRun);
    assertThat(firstRun).contains(true, false);
  }

  @Test
  void anotherSeedHitsOtherConnections() {
    List<Boolean> seven =
        LongStream.rangeClosed(1, 64).mapToObj(id -> Dice.applies(7, id, HALF_REFUSED)).toList();
    List<Boolean> eight =
        LongStream.rangeClosed(1, 64).mapToObj(id -> Dice.applies(8, id, HALF_REFUSED)).toList();

    assertThat(seven).isNotEqualTo(eight);
    assertThat(seven.stream().filter(hit -> hit).count()).isBetween(16L, 48L);
  }

  @Test
  void toxicityZeroNeverAppliesAndOneAlwaysDoes() {
    FaultRule never = HALF_REFUSED.withToxicity(0);
    FaultRule always = HALF_REFUSED.withToxicity(1);

    assertThat(LongStream.rangeClosed(1, 100)).noneMatch(id -> Dice.applies(3, id, never));
    assertThat(LongStream.rangeClosed(1, 100)).allMatch(id -> Dice.applies(3, id, always));
  }

  @Test
  void jitterIsTheSameSequenceForTheSameSeedConnectionAndRule() {
    Latency jittery = new Latency(Duration.ofMillis(100), Duration.ofMillis(50));
    FaultRule rule = FaultRule.of("jitter", Direction.DOWNSTREAM, jittery);

    SplittableRandom first = Dice.forStage(11, 3, rule);
    SplittableRandom again = Dice.forStage(11, 3, rule);
    SplittableRandom otherConnection = Dice.forStage(11, 4, rule);
    List<Duration> a = new ArrayList<>();
    List<Duration> b = new ArrayList<>();
    List<Duration> c = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      a.add(jittery.sample(first));
      b.add(jittery.sample(again));
      c.add(jittery.sample(otherConnection));
    }

    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  private static List<Boolean> refusals(long seed, int connections) throws IOException {
    List<Boolean> refused = new ArrayList<>();
    try (EchoServer echo = EchoServer.start();
        FaultProxy proxy =
            FaultProxy.builder().upstream("127.0.0.1", echo.port()).seed(seed).start()) {
      proxy.addFault(HALF_REFUSED);
      for (int i = 0; i < connections; i++) {
        try (TestSocket client = TestSocket.connect(proxy)) {
          refused.add(!echoes(client));
        }
      }
      assertThat(proxy.stats().connectionsRefused())
          .isEqualTo(refused.stream().filter(r -> r).count());
    }
    return refused;
  }

  /** Whether a byte makes the round trip; a refused connection resets or ends instead. */
  private static boolean echoes(TestSocket client) {
    try {
      client.write("x");
      return new String(client.readOnce(), java.nio.charset.StandardCharsets.UTF_8).equals("x");
    } catch (IOException e) {
      return false;
    }
  }
}
