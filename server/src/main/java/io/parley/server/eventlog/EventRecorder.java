package io.parley.server.eventlog;

import io.parley.protocol.Transport;
import io.parley.server.events.ConnectionEvent;
import io.parley.server.events.ConnectionObserver;
import io.parley.server.events.TransportKind;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * Writes connection events into the {@link EventLog}: connects, disconnects with their reason,
 * transport changes and refused tokens (authentication failures). Health self-test connections
 * (probes) are left out, as metrics leave them out; refusals of limits (a full node, too many
 * connections) are not authentication failures and are not written. Thread-safe; runs on the
 * event's thread and only appends.
 */
@Singleton
public class EventRecorder implements ConnectionObserver {
  private final EventLog log;

  @Inject
  public EventRecorder(EventLog log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public void on(ConnectionEvent event) {
    if (event instanceof ConnectionEvent.Connected connected) {
      var connection = connected.connection();
      if (!connection.probe()) {
        log.append(
            LoggedEvent.Kind.CONNECTED,
            connection.user(),
            connection.session(),
            transport(connection.transport()),
            null,
            "from " + connection.address() + " on " + connection.transport().tag());
      }
    } else if (event instanceof ConnectionEvent.Disconnected disconnected) {
      var connection = disconnected.connection();
      if (!connection.probe()) {
        log.append(
            LoggedEvent.Kind.DISCONNECTED,
            connection.user(),
            connection.session(),
            transport(connection.transport()),
            disconnected.reason().tag(),
            "after "
                + disconnected.duration().toMillis()
                + " ms on "
                + connection.transport().tag());
      }
    } else if (event instanceof ConnectionEvent.TransportChanged changed) {
      var connection = changed.connection();
      if (!connection.probe()) {
        log.append(
            LoggedEvent.Kind.TRANSPORT_CHANGED,
            connection.user(),
            connection.session(),
            transport(connection.transport()),
            null,
            changed.from().tag() + " to " + connection.transport().tag());
      }
    } else if (event instanceof ConnectionEvent.Refused refused && refused.authentication()) {
      log.append(
          LoggedEvent.Kind.AUTH_FAILED,
          refused.user(),
          null,
          transport(refused.transport()),
          refused.code().name(),
          stage(refused.stage())
              + " refused from "
              + refused.address()
              + " on "
              + refused.transport().tag());
    }
  }

  /**
   * The transport as the event JSON names it. Stateless HTTP is {@code null}: a refused request is
   * turned away before its wait says whether it is a long-poll or a periodic poll.
   */
  static Transport transport(TransportKind kind) {
    return switch (kind) {
      case SOCKETIO_POLLING, SOCKETIO_WEBSOCKET -> Transport.SOCKET_IO;
      case WEBSOCKET -> Transport.WEBSOCKET;
      case HTTP -> null;
    };
  }

  private static String stage(ConnectionEvent.Stage stage) {
    return switch (stage) {
      case CONNECT -> "connect";
      case REFRESH -> "token refresh";
      case REQUEST -> "HTTP request";
    };
  }
}
