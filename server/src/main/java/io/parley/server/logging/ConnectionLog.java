package io.parley.server.logging;

import io.parley.server.events.Connection;
import io.parley.server.events.ConnectionEvent;
import io.parley.server.events.ConnectionObserver;
import jakarta.inject.Singleton;
import java.util.Locale;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;
import org.jboss.logmanager.Logger;

/**
 * One log line per connect, disconnect (with reason and duration), transport change and
 * authentication failure, in category {@value #CATEGORY}: {@code INFO} for a user's connection,
 * {@code DEBUG} for a health self-test's and for refusals that are not about a token, {@code WARN}
 * (rate limited per code and address by {@link Warnings}) for authentication failures. Each line
 * carries session, user, transport and address in its text and as fields of the record's MDC
 * ({@code parley.session}, ...), which the JSON format writes out. Thread-safe; runs on the thread
 * that fired the event and only formats.
 */
@Singleton
public class ConnectionLog implements ConnectionObserver {
  /** The category ops switch: {@code quarkus.log.category."io.parley.connections".level}. */
  public static final String CATEGORY = "io.parley.connections";

  private static final Logger LOG = Logger.getLogger(CATEGORY);

  private final Warnings warnings;

  public ConnectionLog(Warnings warnings) {
    this.warnings = warnings;
  }

  @Override
  public void on(ConnectionEvent event) {
    if (event instanceof ConnectionEvent.Connected connected) {
      Connection c = connected.connection();
      write(level(c), "connected " + describe(c), c, null, null);
    } else if (event instanceof ConnectionEvent.Disconnected disconnected) {
      Connection c = disconnected.connection();
      long millis = disconnected.duration().toMillis();
      String reason = disconnected.reason().tag();
      write(
          level(c),
          "disconnected " + describe(c) + " reason=" + reason + " duration=" + millis + "ms",
          c,
          "parley.reason",
          reason,
          "parley.durationMs",
          Long.toString(millis));
    } else if (event instanceof ConnectionEvent.TransportChanged changed) {
      Connection c = changed.connection();
      write(
          level(c),
          "transport changed " + describe(c) + " from=" + changed.from().tag(),
          c,
          "parley.from",
          changed.from().tag());
    } else if (event instanceof ConnectionEvent.Refused refused) {
      refused(refused);
    }
  }

  private static Level level(Connection c) {
    return c.probe() ? Level.DEBUG : Level.INFO;
  }

  private void refused(ConnectionEvent.Refused refused) {
    Level level = Level.DEBUG;
    String prefix = "refused ";
    long suppressed = 0;
    if (refused.authentication()) {
      suppressed = warnings.admit(refused.code() + "@" + refused.address());
      if (suppressed < 0) {
        return;
      }
      level = Level.WARN;
      prefix = "authentication failed ";
    }
    String message =
        prefix
            + "stage="
            + refused.stage().name().toLowerCase(Locale.ROOT)
            + " code="
            + refused.code().name()
            + " user="
            + refused.user()
            + " transport="
            + refused.transport().tag()
            + " address="
            + refused.address()
            + (suppressed > 0 ? " (suppressed " + suppressed + ")" : "");
    ExtLogRecord record = record(level, message);
    if (record == null) {
      return;
    }
    put(record, "parley.user", refused.user());
    put(record, "parley.transport", refused.transport().tag());
    put(record, "parley.address", refused.address());
    put(record, "parley.code", refused.code().name());
    LOG.logRaw(record);
  }

  /**
   * Writes {@code message} at {@code level} with the connection's fields and {@code extra} ones
   * (key, value, key, value...) as the record's MDC, which the JSON format writes as fields.
   */
  private static void write(Level level, String message, Connection c, String... extra) {
    ExtLogRecord record = record(level, message);
    if (record == null) {
      return;
    }
    put(record, "parley.session", c.session());
    put(record, "parley.user", c.user());
    put(record, "parley.transport", c.transport().tag());
    put(record, "parley.address", c.address());
    if (c.probe()) {
      put(record, "parley.probe", "true");
    }
    for (int i = 0; i + 1 < extra.length; i += 2) {
      put(record, extra[i], extra[i + 1]);
    }
    LOG.logRaw(record);
  }

  /** A record of {@code message}, or {@code null} when {@code level} is off for the category. */
  private static ExtLogRecord record(Level level, String message) {
    if (!LOG.isLoggable(level)) {
      return null;
    }
    ExtLogRecord record = new ExtLogRecord(level, message, ConnectionLog.class.getName());
    record.setLoggerName(CATEGORY);
    return record;
  }

  private static void put(ExtLogRecord record, String key, String value) {
    if (value != null) {
      record.putMdc(key, value);
    }
  }

  private static String describe(Connection c) {
    return "session="
        + c.session()
        + " user="
        + c.user()
        + " transport="
        + c.transport().tag()
        + " address="
        + c.address()
        + (c.probe() ? " probe=true" : "");
  }
}
