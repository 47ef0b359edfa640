package io.parley.server.drain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DrainSpreadTest {

  @Test
  void delaysFallInTheWindowAndSpreadOverIt() {
    DrainSpread spread = new DrainSpread(42, Duration.ofSeconds(10));
    int[] tenths = new int[10];
    Set<Long> distinct = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      long delay = spread.delayMillis("session-" + i);
      assertThat(delay).isBetween(0L, 9_999L);
      tenths[(int) (delay / 1_000)]++;
      distinct.add(delay);
    }
    // 1,000 sessions over ten one-second slices: each slice gets its share, none a crowd.
    for (int count : tenths) {
      assertThat(count).isBetween(60, 140);
    }
    assertThat(distinct.size()).isGreaterThan(900);
  }

  @Test
  void theSameSeedAndSessionGiveTheSameDelay() {
    DrainSpread a = new DrainSpread(7, Duration.ofSeconds(10));
    DrainSpread b = new DrainSpread(7, Duration.ofSeconds(10));
    DrainSpread other = new DrainSpread(8, Duration.ofSeconds(10));
    assertThat(a.delayMillis("abc")).isEqualTo(b.delayMillis("abc"));
    assertThat(a.delayMillis("abc")).isNotEqualTo(other.delayMillis("abc"));
  }

  @Test
  void noWindowMeansReconnectNow() {
    assertThat(new DrainSpread(1, Duration.ZERO).delayMillis("abc")).isZero();
  }
}
