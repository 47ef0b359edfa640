package io.parley.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

class WarningsTest {
  private static final String CATEGORY = "io.parley.test.warnings";

  @Test
  void anIdenticalWarningIsWrittenOncePerIntervalThenSaysHowManyWereSuppressed() {
    AtomicLong nanos = new AtomicLong();
    Warnings warnings = new Warnings(Duration.ofSeconds(60), nanos::get);
    Logger log = Logger.getLogger(CATEGORY);
    try (LogCapture capture = LogCapture.of(CATEGORY)) {
      assertThat(warnings.warn(log, "k", "disk on fire")).isTrue();
      assertThat(warnings.warn(log, "k", "disk on fire")).isFalse();
      assertThat(warnings.warn(log, "other", "cpu on fire")).isTrue();
      nanos.addAndGet(Duration.ofSeconds(59).toNanos());
      assertThat(warnings.warn(log, "k", "disk on fire")).isFalse();
      nanos.addAndGet(Duration.ofSeconds(1).toNanos());
      assertThat(warnings.warn(log, "k", "disk on fire")).isTrue();
      nanos.addAndGet(Duration.ofSeconds(60).toNanos());
      assertThat(warnings.warn(log, "k", "disk on fire")).isTrue();

      assertThat(capture.records())
          .extracting(r -> r.getFormattedMessage())
          .containsExactly(
              "disk on fire", "cpu on fire", "disk on fire (suppressed 2)", "disk on fire");
    }
  }
}
