package io.parley.client;

import io.parley.protocol.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, thread-safe snapshot of a client's counters, taken by {@link
 * ParleyClient#metrics()}. Counters start at zero when the client is built.
 *
 * @param uptime how long the current connection has been up, across transport switches; zero when
 *     not connected
 * @param totalConnections connections established, including switches to another transport
 * @param failedConnections connection attempts that failed, including upward probes
 * @param reconnects connections established after a lost one
 * @param fallbacks times the client entered {@code FALLBACK}
 * @param averageRoundTrip mean ping/pong round-trip time over the recent samples, or {@code null}
 *     when there is none (only the native WebSocket transport answers pings)
 * @param p99RoundTrip 99th-percentile round-trip time over the recent samples, or {@code null}
 * @param lastConnectedAt when the last connection was established, or {@code null}
 * @param lastFailureAt when the last connection failure happened, or {@code null}
 * @param lastFailureReason the last failure's message, or {@code null}
 * @param messagesReceived messages accepted for delivery (duplicates excluded)
 * @param duplicatesDropped messages dropped because their {@code seq} was already delivered
 * @param gapsSeen gaps delivered to handlers
 * @param outboxDepth publishes waiting for acknowledgment now
 * @param timePerTransport time spent connected on each transport
 */
public record ClientMetrics(
    Duration uptime,
    long totalConnections,
    long failedConnections,
    long reconnects,
    long fallbacks,
    Duration averageRoundTrip,
    Duration p99RoundTrip,
    Instant lastConnectedAt,
    Instant lastFailureAt,
    String lastFailureReason,
    long messagesReceived,
    long duplicatesDropped,
    long gapsSeen,
    int outboxDepth,
    Map<Transport, Duration> timePerTransport) {
  public ClientMetrics {
    Objects.requireNonNull(uptime, "uptime");
    timePerTransport = Map.copyOf(timePerTransport);
  }
}
