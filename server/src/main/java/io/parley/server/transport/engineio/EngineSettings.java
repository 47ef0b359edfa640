package io.parley.server.transport.engineio;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The Engine.IO settings of one endpoint. Immutable and thread-safe.
 *
 * @param pingInterval how often the server pings
 * @param pingTimeout how long it waits for the pong
 * @param maxPayload largest polling body or WebSocket message, in bytes
 * @param upgradeTimeout how long a polling-to-websocket upgrade may take
 * @param maxQueued packets queued for one connection and not yet written; past it {@link
 *     EngineSocket#offer} refuses
 * @param offered whether a transport is offered, asked at each request (so that a run-time switch
 *     takes effect at once; must be thread-safe and cheap): a request for another gets {@code
 *     Transport unknown}, and a polling session lists {@code websocket} as its upgrade only when it
 *     is offered
 * @param compressionThreshold bytes from which a WebSocket message goes out deflated, on sockets
 *     that negotiated permessage-deflate
 */
public record EngineSettings(
    Duration pingInterval,
    Duration pingTimeout,
    int maxPayload,
    Duration upgradeTimeout,
    int maxQueued,
    Predicate<EngineTransport> offered,
    int compressionThreshold) {
  public EngineSettings {
    Objects.requireNonNull(pingInterval, "pingInterval");
    Objects.requireNonNull(pingTimeout, "pingTimeout");
    Objects.requireNonNull(upgradeTimeout, "upgradeTimeout");
    Objects.requireNonNull(offered, "offered");
  }

  /** Settings offering both transports, deflating from 1024 bytes (the reference's threshold). */
  public EngineSettings(
      Duration pingInterval,
      Duration pingTimeout,
      int maxPayload,
      Duration upgradeTimeout,
      int maxQueued) {
    this(pingInterval, pingTimeout, maxPayload, upgradeTimeout, maxQueued, transport -> true, 1024);
  }

  /** Whether {@code transport} is offered. */
  public boolean offers(EngineTransport transport) {
    return offered.test(transport);
  }

  /** The open packet's JSON for a new session; {@code upgrades} is empty over WebSocket. */
  String handshake(String sid, boolean canUpgrade) {
    return "{\"sid\":\""
        + sid
        + "\",\"upgrades\":"
        + (canUpgrade && offers(EngineTransport.WEBSOCKET) ? "[\"websocket\"]" : "[]")
        + ",\"pingInterval\":"
        + pingInterval.toMillis()
        + ",\"pingTimeout\":"
        + pingTimeout.toMillis()
        + ",\"maxPayload\":"
        + maxPayload
        + "}";
  }
}
