package io.parley.server.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.time.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
  private final FakeTicker ticker = new FakeTicker();

  @Test
  void eachKeyHasItsOwnBucket() {
    RateLimits limits = new RateLimits(1, 2, 100, ticker);
    assertThat(limits.tryTake("alice")).isZero();
    assertThat(limits.tryTake("alice")).isZero();
    assertThat(limits.tryTake("alice")).isEqualTo(1_000);
    assertThat(limits.tryTake("bob")).isZero();
  }

  @Test
  void theMapIsBoundedAndForgetsTheLeastRecentlyUsedKey() {
    RateLimits limits = new RateLimits(1, 1, 2, ticker);
    limits.tryTake("a");
    limits.tryTake("b");
    assertThat(limits.tryTake("a")).isPositive(); // a is now the most recently used
    limits.tryTake("c"); // evicts b
    assertThat(limits.size()).isEqualTo(2);
    assertThat(limits.tryTake("a")).isPositive();
    assertThat(limits.tryTake("b")).isZero(); // forgotten: a full burst again
  }

  @Test
  void expireDropsOnlyBucketsThatHaveRefilled() {
    RateLimits limits = new RateLimits(10, 2, 100, ticker);
    limits.tryTake("idle");
    ticker.advance(Duration.ofMillis(200));
    limits.tryTake("busy");
    limits.tryTake("busy");
    limits.expire();
    assertThat(limits.size()).isEqualTo(1);
    assertThat(limits.tryTake("busy")).isPositive();
  }
}
