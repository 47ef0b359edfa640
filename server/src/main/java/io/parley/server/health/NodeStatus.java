package io.parley.server.health;

import io.parley.protocol.HealthStatus;
import io.parley.protocol.Transport;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The node's status after one self-test round. Immutable and thread-safe.
 *
 * @param status the seeds' verdict ({@link #of})
 * @param transports each transport's last result, in ladder order
 */
public record NodeStatus(HealthStatus status, Map<Transport, TransportResult> transports) {

  /**
   * Judges one round: {@code CRITICAL} when no tested transport passed, or when Socket.IO and the
   * native WebSocket are both untested-or-failed while at least one of them is enabled; {@code
   * DEGRADED} when another enabled transport failed; {@code HEALTHY} when every enabled transport
   * passed.
   */
  public static NodeStatus of(Map<Transport, TransportResult> results) {
    Map<Transport, TransportResult> copy = new EnumMap<>(results);
    boolean anyOk = copy.values().stream().anyMatch(TransportResult::ok);
    boolean anyFailed =
        copy.values().stream().anyMatch(r -> r.state() == TransportResult.State.FAILED);
    TransportResult socketIo = copy.get(Transport.SOCKET_IO);
    TransportResult websocket = copy.get(Transport.WEBSOCKET);
    boolean streamingEnabled =
        socketIo.state() != TransportResult.State.DISABLED
            || websocket.state() != TransportResult.State.DISABLED;
    boolean streamingDown = !socketIo.ok() && !websocket.ok();
    HealthStatus status;
    if (!anyOk || (streamingEnabled && streamingDown)) {
      status = HealthStatus.CRITICAL;
    } else if (anyFailed) {
      status = HealthStatus.DEGRADED;
    } else {
      status = HealthStatus.HEALTHY;
    }
    return new NodeStatus(status, Collections.unmodifiableMap(copy));
  }
}
