package io.parley.protocol.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {
  private static final Duration BASE = Duration.ofSeconds(1);
  private static final Duration CAP = Duration.ofSeconds(30);

  @Test
  void exponentialDoublesFromBaseUpToCap() {
    BackoffPolicy policy = BackoffPolicy.exponential(BASE, CAP);
    List<Long> millis = new ArrayList<>();
    for (int attempt = 1; attempt <= 8; attempt++) {
      millis.add(policy.delay(attempt).toMillis());
    }
    assertThat(millis)
        .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
  }

  @Test
  void fullJitterWithSeededSourceGivesThisExactSequence() {
    BackoffPolicy policy = BackoffPolicy.exponentialFullJitter(BASE, CAP, new SplittableRandom(42));
    List<Long> millis = new ArrayList<>();
    for (int attempt = 1; attempt <= 8; attempt++) {
      millis.add(policy.delay(attempt).toMillis());
    }
    // Pinned: a change here changes every client's reconnect timing.
    assertThat(millis).containsExactly(576L, 1944L, 604L, 7974L, 6281L, 4191L, 23070L, 3181L);
  }

  @Test
  void fullJitterStaysWithinZeroAndTheCeilingOfEachAttempt() {
    BackoffPolicy policy = BackoffPolicy.exponentialFullJitter(BASE, CAP, new SplittableRandom(7));
    for (int round = 0; round < 1_000; round++) {
      for (int attempt = 1; attempt <= 10; attempt++) {
        long ceiling = Math.min(30_000L, 1_000L << (attempt - 1));
        assertThat(policy.delay(attempt).toMillis()).isBetween(0L, ceiling);
      }
    }
  }

  @Test
  void hugeAttemptNumbersDoNotOverflow() {
    BackoffPolicy policy = BackoffPolicy.exponential(BASE, CAP);
    assertThat(policy.delay(63).toMillis()).isEqualTo(30_000L);
    assertThat(policy.delay(Integer.MAX_VALUE).toMillis()).isEqualTo(30_000L);
  }

  @Test
  void attemptsAreOneBased() {
    BackoffPolicy policy = BackoffPolicy.exponential(BASE, CAP);
    assertThat(policy.delay(1)).isEqualTo(BASE);
    assertThatThrownBy(() -> policy.delay(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1-based");
  }

  @Test
  void rejectsCapBelowBase() {
    assertThatThrownBy(() -> BackoffPolicy.exponential(CAP, BASE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be below base");
  }

  @Test
  void backoffCountsAttemptsAndResets() {
    Backoff backoff = new Backoff(BackoffPolicy.exponential(BASE, CAP));
    assertThat(backoff.attempt()).isZero();
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.attempt()).isEqualTo(2);
    backoff.reset();
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofSeconds(1));
  }
}
