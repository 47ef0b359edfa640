package io.parley.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The startup checks of the limits below the session level. */
class ConnectionLimitsTest {
  @Test
  void aTcpCapThatFitsUnderTheOpenFileLimitGivesNoWarning() {
    assertThat(FileDescriptorBudget.warning(OptionalInt.of(10_000), OptionalLong.of(20_000)))
        .isEmpty();
  }

  @Test
  void aTcpCapAboveTheOpenFileLimitWarnsWithBothNumbers() {
    assertThat(FileDescriptorBudget.warning(OptionalInt.of(100_000), OptionalLong.of(1_024)))
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .contains("quarkus.http.limits.max-connections=100000")
                    .contains("open-file limit is 1024")
                    .contains("lower the cap to 768"));
  }

  @Test
  void noTcpCapWarnsThatTheOpenFileLimitIsWhatStopsConnections() {
    assertThat(FileDescriptorBudget.warning(OptionalInt.empty(), OptionalLong.of(1_024)))
        .hasValueSatisfying(w -> assertThat(w).contains("is not set").contains("1024"));
  }

  @Test
  void anUnknownOpenFileLimitGivesNoWarning() {
    assertThat(FileDescriptorBudget.warning(OptionalInt.of(5), OptionalLong.empty())).isEmpty();
  }

  @Test
  void anIdleTimeoutNotAboveTheLongestWaitIsRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                ConnectionTimeouts.checkIdleTimeout(
                    Duration.ofSeconds(45),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(45),
                    Duration.ofSeconds(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("realtime.connections.idle-timeout=PT45S")
        .hasMessageContaining("ping-interval plus ping-timeout=PT45S");
  }

  @Test
  void anIdleTimeoutAboveEveryWaitIsAccepted() {
    assertThatCode(
            () ->
                ConnectionTimeouts.checkIdleTimeout(
                    Duration.ofSeconds(46),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(45),
                    Duration.ofSeconds(45)))
        .doesNotThrowAnyException();
  }
}
