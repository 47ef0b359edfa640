package io.parley.client.internal;

import io.parley.client.ClientMetrics;
import io.parley.client.ParleyException;
import io.parley.protocol.Transport;
import io.parley.protocol.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The counters behind {@link ClientMetrics}. Thread-safe: the event loop records, any thread takes
 * a {@link #snapshot}; every method holds this object's lock briefly and never calls out.
 */
final class ClientStats {
  /** Round-trip samples kept for the average and the 99th percentile. */
  static final int RTT_SAMPLES = 128;

  private final Ticker ticker;
  private final Clock clock;
  private final long[] rtt = new long[RTT_SAMPLES];
  private int rttCount;
  private int rttNext;
  private long totalConnections;
  private long failedConnections;
  private long reconnects;
  private long fallbacks;
  private long messagesReceived;
  private long duplicatesDropped;
  private long gapsSeen;
  private Instant lastConnectedAt;
  private Instant lastFailureAt;
  private String lastFailureReason;
  private boolean everConnected;
  private long upSinceNanos;
  private boolean up;
  private Transport transport;
  private long transportSinceNanos;
  private final Map<Transport, Long> transportNanos = new EnumMap<>(Transport.class);

  ClientStats(Ticker ticker, Clock clock) {
    this.ticker = ticker;
    this.clock = clock;
  }

  /** A connection attempt (main or probe) failed. */
  synchronized void attemptFailed(ParleyException cause) {
    failedConnections++;
    failure(cause);
  }

  /** An established connection was lost. */
  synchronized void connectionLost(ParleyException cause) {
    failure(cause);
    up = false;
  }

  /** A connection became current; {@code switched} when it replaced a live one. */
  synchronized void connected(boolean switched) {
    totalConnections++;
    lastConnectedAt = clock.instant();
    if (!switched) {
      if (everConnected) {
        reconnects++;
      }
      upSinceNanos = ticker.nanoTime();
      up = true;
    }
    everConnected = true;
  }

  /** The client stopped being connected without a failure (close, give up). */
  synchronized void down() {
    up = false;
  }

  /** The transport in use changed ({@code null}: none). */
  synchronized void transport(Transport next) {
    long now = ticker.nanoTime();
    if (transport != null) {
      transportNanos.merge(transport, now - transportSinceNanos, Long::sum);
    }
    transport = next;
    transportSinceNanos = now;
  }

  synchronized void fallback() {
    fallbacks++;
  }

  synchronized void roundTrip(Duration sample) {
    rtt[rttNext] = sample.toNanos();
    rttNext = (rttNext + 1) % RTT_SAMPLES;
    rttCount = Math.min(rttCount + 1, RTT_SAMPLES);
  }

  synchronized void messageAccepted() {
    messagesReceived++;
  }

  synchronized void duplicateDropped() {
    duplicatesDropped++;
  }

  synchronized void gapSeen() {
    gapsSeen++;
  }

  synchronized ClientMetrics snapshot(int outboxDepth) {
    long now = ticker.nanoTime();
    Map<Transport, Duration> perTransport = new EnumMap<>(Transport.class);
    transportNanos.forEach((t, nanos) -> perTransport.put(t, Duration.ofNanos(nanos)));
    if (transport != null) {
      perTransport.merge(transport, Duration.ofNanos(now - transportSinceNanos), Duration::plus);
    }
    Duration average = null;
    Duration p99 = null;
    if (rttCount > 0) {
      long[] samples = Arrays.copyOf(rtt, rttCount);
      Arrays.sort(samples);
      long sum = 0;
      for (long sample : samples) {
        sum += sample;
      }
      average = Duration.ofNanos(sum / samples.length);
      int rank = (int) Math.ceil(0.99 * samples.length) - 1;
      p99 = Duration.ofNanos(samples[Math.max(0, rank)]);
    }
    return new ClientMetrics(
        up ? Duration.ofNanos(now - upSinceNanos) : Duration.ZERO,
        totalConnections,
        failedConnections,
        reconnects,
        fallbacks,
        average,
        p99,
        lastConnectedAt,
        lastFailureAt,
        lastFailureReason,
        messagesReceived,
        duplicatesDropped,
        gapsSeen,
        outboxDepth,
        perTransport);
  }

  private void failure(ParleyException cause) {
    lastFailureAt = clock.instant();
    lastFailureReason = cause == null ? null : cause.getMessage();
  }
}
