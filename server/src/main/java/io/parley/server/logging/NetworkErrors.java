package io.parley.server.logging;

import io.quarkus.logging.LoggingFilter;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Keeps the console free of stack traces for what networks do every day: a record whose exception
 * is a connection reset, a broken pipe or a closed channel (Vert.x and Netty log these when a peer
 * goes away mid-write) is written as one line, its exception reduced to its class and message.
 * Installed by {@code quarkus.log.console.filter=parley-network-errors}. Stateless, thread-safe.
 */
@LoggingFilter(name = "parley-network-errors")
public final class NetworkErrors implements Filter {

  @Override
  public boolean isLoggable(LogRecord record) {
    Throwable thrown = record.getThrown();
    if (thrown != null && isExpected(thrown)) {
      record.setThrown(null);
      String message = record.getMessage() == null ? "" : record.getMessage();
      record.setMessage(message + " (" + thrown + ")");
    }
    return true;
  }

  /** Whether {@code failure}, or a cause of it, is a peer going away rather than a fault. */
  static boolean isExpected(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ClosedChannelException) {
        return true;
      }
      if (cause instanceof IOException && cause.getMessage() != null) {
        String message = cause.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("connection reset")
            || message.contains("broken pipe")
            || message.contains("connection closed")) {
          return true;
        }
      }
    }
    return false;
  }
}
