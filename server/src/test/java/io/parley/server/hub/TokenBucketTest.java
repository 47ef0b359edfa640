package io.parley.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.protocol.time.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final FakeTicker ticker = new FakeTicker();

  @Test
  void aFullBucketAllowsItsBurstThenSaysHowLongToWait() {
    TokenBucket bucket = new TokenBucket(10, 3, ticker);
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isEqualTo(100); // one token every 100 ms
  }

  @Test
  void tokensComeBackAtTheRateAndNeverPastTheBurst() {
    TokenBucket bucket = new TokenBucket(10, 2, ticker);
    bucket.tryTake();
    bucket.tryTake();
    ticker.advance(Duration.ofMillis(40));
    assertThat(bucket.tryTake()).isEqualTo(60);
    ticker.advance(Duration.ofMillis(60));
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isEqualTo(100);

    ticker.advance(Duration.ofHours(1));
    assertThat(bucket.isFull()).isTrue();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isPositive();
  }

  @Test
  void aSustainedRateAtTheLimitIsAllowed() {
    TokenBucket bucket = new TokenBucket(50, 1, ticker);
    for (int i = 0; i < 1_000; i++) {
      assertThat(bucket.tryTake()).as("publish %d", i).isZero();
      ticker.advance(Duration.ofMillis(20));
    }
  }

  @Test
  void theWaitIsAtLeastOneMillisecond() {
    TokenBucket bucket = new TokenBucket(1_000_000, 1, ticker);
    bucket.tryTake();
    assertThat(bucket.tryTake()).isEqualTo(1);
  }

  @Test
  void nonsenseSettingsAreRefused() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, ticker))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, ticker))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
