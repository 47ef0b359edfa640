package io.parley.server.transport.engineio;

import java.time.Duration;
import java.util.Objects;

/**
 * The Engine.IO settings of one endpoint. Immutable and thread-safe.
 *
 * @param pingInterval how often the server pings
 * @param pingTimeout how long it waits for the pong
 * @param maxPayload largest polling body or WebSocket message, in bytes
 * @param upgradeTimeout how long a polling-to-websocket upgrade may take
 * @param maxQueued packets queued for one connection and not yet written; past it {@link
 *     EngineSocket#offer} refuses
 */
public record EngineSettings(
    Duration pingInterval,
    Duration pingTimeout,
    int maxPayload,
    Duration upgradeTimeout,
    int maxQueued) {
  public EngineSettings {
    Objects.requireNonNull(pingInterval, "pingInterval");
    Objects.requireNonNull(pingTimeout, "pingTimeout");
    Objects.requireNonNull(upgradeTimeout, "upgradeTimeout");
  }

  /** The open packet's JSON for a new session; {@code upgrades} is empty over WebSocket. */
  String handshake(String sid, boolean canUpgrade) {
    return "{\"sid\":\""
        + sid
        + "\",\"upgrades\":"
        + (canUpgrade ? "[\"websocket\"]" : "[]")
        + ",\"pingInterval\":"
        + pingInterval.toMillis()
        + ",\"pingTimeout\":"
        + pingTimeout.toMillis()
        + ",\"maxPayload\":"
        + maxPayload
        + "}";
  }
}
