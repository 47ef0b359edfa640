package io.parley.server.transport;

import io.parley.server.config.RealtimeConfig;
import io.parley.server.transport.engineio.EngineTransport;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which transports this node offers now. Starts from the {@code realtime.transports.*} settings and
 * can be changed at run time ({@link #set}), for operators (the admin API) and for tests: every
 * transport reads its switch at each request, so a transport turned off here answers exactly as one
 * turned off at startup ({@code 404 TRANSPORT_DISABLED} from {@link DisabledTransport}, Engine.IO's
 * {@code Transport unknown}, no {@code websocket} upgrade offered). Connections already open stay
 * open. Thread-safe: each switch is a volatile read.
 */
@Singleton
@Typed(TransportSwitches.class)
public class TransportSwitches implements RealtimeConfig.Transports {

  /** One switch, named by its setting. */
  public enum Switch {
    /** Socket.IO altogether, at {@code /socket.io/}. */
    SOCKETIO("realtime.transports.socketio"),
    /** Engine.IO long-polling under Socket.IO. */
    SOCKETIO_POLLING("realtime.transports.socketio-polling"),
    /** Engine.IO WebSocket under Socket.IO. */
    SOCKETIO_WEBSOCKET("realtime.transports.socketio-websocket"),
    /** The native WebSocket at {@code /ws}. */
    WEBSOCKET("realtime.transports.websocket"),
    /** Stateless HTTP polling at {@code /realtime/poll}. */
    HTTP_POLL("realtime.transports.http-poll");

    private final String setting;

    Switch(String setting) {
      this.setting = setting;
    }

    /** The startup setting this switch starts from. */
    public String setting() {
      return setting;
    }
  }

  private final Map<Switch, Boolean> initial = new EnumMap<>(Switch.class);
  private volatile boolean socketio;
  private volatile boolean socketioPolling;
  private volatile boolean socketioWebsocket;
  private volatile boolean websocket;
  private volatile boolean httpPoll;

  @Inject
  TransportSwitches(RealtimeConfig config) {
    this(config.transports());
  }

  /** Switches starting from {@code startup}. */
  public TransportSwitches(RealtimeConfig.Transports startup) {
    socketio = startup.socketio();
    socketioPolling = startup.socketioPolling();
    socketioWebsocket = startup.socketioWebsocket();
    websocket = startup.websocket();
    httpPoll = startup.httpPoll();
    for (Switch which : Switch.values()) {
      initial.put(which, enabled(which));
    }
  }

  /**
   * Turns one transport on or off from now on, for new requests and connections; open connections
   * are left alone (disconnect them through the admin API if needed). Turning off the last way in
   * is refused, as at startup.
   *
   * @throws IllegalStateException when no transport would be left on, naming the settings
   */
  public synchronized void set(Switch which, boolean on) {
    boolean before = enabled(which);
    write(which, on);
    if (!anyOffered()) {
      write(which, before);
      throw new IllegalStateException(
          "turning off " + which.setting() + " would leave no transport on; turn another on first");
    }
  }

  /** Puts every switch back to its startup setting. */
  public synchronized void reset() {
    initial.forEach(this::write);
  }

  /** Whether {@code which} is on now. */
  public boolean enabled(Switch which) {
    return switch (which) {
      case SOCKETIO -> socketio;
      case SOCKETIO_POLLING -> socketioPolling;
      case SOCKETIO_WEBSOCKET -> socketioWebsocket;
      case WEBSOCKET -> websocket;
      case HTTP_POLL -> httpPoll;
    };
  }

  /** Whether Socket.IO offers Engine.IO {@code transport} now. */
  public boolean offers(EngineTransport transport) {
    return transport == EngineTransport.POLLING ? socketioPolling : socketioWebsocket;
  }

  /**
   * The setting to name when Socket.IO is refused: the Socket.IO switch itself, or its two
   * Engine.IO transports.
   */
  public String socketioSetting() {
    return socketio
        ? "realtime.transports.socketio-polling and socketio-websocket"
        : Switch.SOCKETIO.setting();
  }

  private void write(Switch which, boolean on) {
    switch (which) {
      case SOCKETIO -> socketio = on;
      case SOCKETIO_POLLING -> socketioPolling = on;
      case SOCKETIO_WEBSOCKET -> socketioWebsocket = on;
      case WEBSOCKET -> websocket = on;
      case HTTP_POLL -> httpPoll = on;
    }
  }

  @Override
  public boolean socketio() {
    return socketio;
  }

  @Override
  public boolean socketioPolling() {
    return socketioPolling;
  }

  @Override
  public boolean socketioWebsocket() {
    return socketioWebsocket;
  }

  @Override
  public boolean websocket() {
    return websocket;
  }

  @Override
  public boolean httpPoll() {
    return httpPoll;
  }
}
