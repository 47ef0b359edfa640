package io.parley.server.logging;

import io.parley.server.events.Connection;
import io.parley.server.events.ConnectionEvent;
import io.parley.server.events.ConnectionObserver;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One log line per connect, disconnect (with reason and duration), transport change and
 * authentication failure, in category {@value #CATEGORY}: {@code INFO} for a user's connection,
 * {@code DEBUG} for a health self-test's and for refusals that are not about a token, {@code WARN}
 * (rate limited per code and address by {@link Warnings}) for authentication failures. Each line
 * carries session, user, transport and address in its text and as MDC fields ({@code
 * parley.session}, ...), which the JSON format writes as fields. Thread-safe; runs on the thread
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
      log(c, null, null, "connected " + describe(c));
    } else if (event instanceof ConnectionEvent.Disconnected disconnected) {
      Connection c = disconnected.connection();
      long millis = disconnected.duration().toMillis();
      log(
          c,
          disconnected.reason().tag(),
          millis,
          "disconnected "
              + describe(c)
              + " reason="
              + disconnected.reason().tag()
              + " duration="
              + millis
              + "ms");
    } else if (event instanceof ConnectionEvent.TransportChanged changed) {
      Connection c = changed.connection();
      log(c, null, null, "transport changed " + describe(c) + " from=" + changed.from().tag());
    } else if (event instanceof ConnectionEvent.Refused refused) {
      refused(refused);
    }
  }

  private static void log(Connection c, String reason, Long durationMs, String message) {
    Logger.Level level = c.probe() ? Logger.Level.DEBUG : Logger.Level.INFO;
    if (!LOG.isEnabled(level)) {
      return;
    }
    Fields fields = Fields.put(c.session(), c.user(), c.transport().tag(), c.address());
    try {
      fields.put("parley.reason", reason);
      fields.put("parley.durationMs", durationMs == null ? null : durationMs.toString());
      LOG.log(level, message + (c.probe() ? " probe=true" : ""));
    } finally {
      fields.clear();
    }
  }

  private void refused(ConnectionEvent.Refused refused) {
    String message =
        (refused.authentication() ? "authentication failed " : "refused ")
            + "stage="
            + refused.stage().name().toLowerCase(java.util.Locale.ROOT)
            + " code="
            + refused.code().name()
            + " user="
            + refused.user()
            + " transport="
            + refused.transport().tag()
            + " address="
            + refused.address();
    Fields fields = Fields.put(null, refused.user(), refused.transport().tag(), refused.address());
    try {
      fields.put("parley.code", refused.code().name());
      if (refused.authentication()) {
        warnings.warn(LOG, refused.code() + "@" + refused.address(), message);
      } else {
        LOG.debug(message);
      }
    } finally {
      fields.clear();
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
        + c.address();
  }

  /** The MDC fields of one line, removed after it. */
  private static final class Fields {
    private final java.util.ArrayList<String> keys = new java.util.ArrayList<>(6);

    static Fields put(String session, String user, String transport, String address) {
      Fields fields = new Fields();
      fields.put("parley.session", session);
      fields.put("parley.user", user);
      fields.put("parley.transport", transport);
      fields.put("parley.address", address);
      return fields;
    }

    void put(String key, String value) {
      if (value != null) {
        MDC.put(key, value);
        keys.add(key);
      }
    }

    void clear() {
      for (String key : keys) {
        MDC.remove(key);
      }
    }
  }
}
