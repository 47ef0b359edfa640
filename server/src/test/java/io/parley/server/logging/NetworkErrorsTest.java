package io.parley.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class NetworkErrorsTest {
  private final NetworkErrors filter = new NetworkErrors();

  @Test
  void aConnectionResetIsWrittenOnOneLineWithoutItsStackTrace() {
    LogRecord record = new LogRecord(Level.SEVERE, "Connection failed");
    record.setThrown(new IOException("Connection reset by peer"));

    assertThat(filter.isLoggable(record)).isTrue();

    assertThat(record.getThrown()).isNull();
    assertThat(record.getMessage())
        .isEqualTo("Connection failed (java.io.IOException: Connection reset by peer)");
  }

  @Test
  void aBrokenPipeOrAClosedChannelAnywhereInTheCausesIsExpected() {
    assertThat(NetworkErrors.isExpected(new RuntimeException(new IOException("Broken pipe"))))
        .isTrue();
    assertThat(NetworkErrors.isExpected(new ClosedChannelException())).isTrue();
  }

  @Test
  void otherFailuresKeepTheirStackTrace() {
    LogRecord record = new LogRecord(Level.SEVERE, "handling a frame failed");
    IllegalStateException bug = new IllegalStateException("bug");
    record.setThrown(bug);

    assertThat(filter.isLoggable(record)).isTrue();

    assertThat(record.getThrown()).isSameAs(bug);
    assertThat(record.getMessage()).isEqualTo("handling a frame failed");
    assertThat(NetworkErrors.isExpected(new IOException("No space left on device"))).isFalse();
  }
}
