package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  @Test
  void readsDelaySecondsAndIgnoresEverythingElse() {
    assertThat(RetryAfter.parse("120")).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ")).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse(null)).isNull();
    assertThat(RetryAfter.parse("")).isNull();
    assertThat(RetryAfter.parse("-5")).isNull();
    assertThat(RetryAfter.parse("1.5")).isNull();
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT")).isNull();
    assertThat(RetryAfter.parse("99999999999999999999")).isNull();
  }

  @Test
  void findsTheHeaderWhateverItsCase() {
    assertThat(RetryAfter.of(Map.of("retry-after", List.of("30"))))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(RetryAfter.of(Map.of("Content-Type", List.of("text/plain")))).isNull();
    assertThat(RetryAfter.of((Map<String, List<String>>) null)).isNull();
  }
}
