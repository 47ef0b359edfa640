package io.parley.server.logging;

import io.parley.server.config.RealtimeConfig;
import io.parley.server.events.Connection;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Frame-level tracing of chosen connections, for debugging one client in production: with {@code
 * realtime.debug=true}, the connections of {@code realtime.debug.user} (or the one session {@code
 * realtime.debug.session}; every connection when neither is set) log each frame they receive and
 * send at {@code DEBUG} in category {@value #CATEGORY}. A transport asks {@link #traces} once, when
 * the session opens, and keeps the answer; untraced connections pay nothing per frame. Thread-safe.
 */
@Singleton
public class FrameTrace {
  /** The category of traced frames. */
  public static final String CATEGORY = "io.parley.frames";

  private static final Logger LOG = Logger.getLogger(CATEGORY);

  /** A token in a traced frame ({@code "token":"..."}), never written to the log. */
  private static final Pattern TOKEN = Pattern.compile("(\"token\"\\s*:\\s*)\"[^\"]*\"");

  private final boolean enabled;
  private final Optional<String> user;
  private final Optional<String> session;

  @Inject
  public FrameTrace(RealtimeConfig config) {
    this(config.debug(), config.debugUser(), config.debugSession());
  }

  FrameTrace(boolean enabled, Optional<String> user, Optional<String> session) {
    this.enabled = enabled;
    this.user = user;
    this.session = session;
  }

  /** Whether {@code connection}'s frames are traced. */
  public boolean traces(Connection connection) {
    return enabled
        && user.map(u -> u.equals(connection.user())).orElse(true)
        && session.map(s -> s.equals(connection.session())).orElse(true);
  }

  /** Logs a frame {@code connection} received. */
  public void received(Connection connection, Object frame) {
    log(connection, "<-", frame);
  }

  /** Logs a frame queued for {@code connection}. */
  public void sent(Connection connection, Object frame) {
    log(connection, "->", frame);
  }

  private static void log(Connection connection, String direction, Object frame) {
    LOG.debugf(
        "%s session=%s user=%s transport=%s %s",
        direction,
        connection.session(),
        connection.user(),
        connection.transport().tag(),
        TOKEN.matcher(String.valueOf(frame)).replaceAll("$1\"[redacted]\""));
  }
}
