package io.parley.server.livefeed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.admin.NodeStats;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.eventlog.EventLog;
import io.parley.server.eventlog.LoggedEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * What the open dashboards receive: every {@link EventLog} entry as it is appended, serialised once
 * and queued on each {@link Dashboard}, and a stats snapshot every {@link #STATS_PERIOD}, built
 * once and shared by all. The stats timer runs only while at least one dashboard is open. The
 * channel part of the stats (top lists, history) walks the channels, so it is rebuilt every {@link
 * #CHANNELS_EVERY} snapshots and reused in between; the counters are fresh in each.
 *
 * <p>Thread-safe. Events are queued on the appending thread (an event loop) without blocking;
 * snapshots are built on a Vert.x worker thread, one at a time (a tick that finds the last one
 * still building is skipped).
 */
@Singleton
public class LiveFeed {
  /** How often dashboards get a stats snapshot. */
  public static final Duration STATS_PERIOD = Duration.ofSeconds(1);

  /** Every how many snapshots the channel part is rebuilt. */
  static final int CHANNELS_EVERY = 5;

  @Inject Vertx vertx;
  @Inject NodeStats stats;
  @Inject EventLog log;
  @Inject FrameCodec codec;
  @Inject RealtimeConfig config;

  private final ConcurrentHashMap<String, Dashboard> dashboards = new ConcurrentHashMap<>();
  private final AtomicBoolean building = new AtomicBoolean();

  /** The stats timer's id, or -1 when no dashboard is open; guarded by {@code dashboards}. */
  private long timer = -1;

  /** Snapshots built since the timer started; worker only, serialised by {@link #building}. */
  private long ticks;

  /** The last channel part; worker only, serialised by {@link #building}. */
  private ObjectNode channels;

  void listen(@Observes StartupEvent event) {
    log.listen(this::onEvent);
  }

  /**
   * Adds a dashboard writing through {@code writer}, starting the stats timer if it is the first.
   * Any thread.
   */
  void open(String id, Function<String, CompletionStage<?>> writer) {
    Dashboard dashboard = new Dashboard(id, config.admin().live().queue(), writer);
    synchronized (dashboards) {
      dashboards.put(id, dashboard);
      if (timer < 0) {
        ticks = 0;
        timer = vertx.setPeriodic(STATS_PERIOD.toMillis(), ignored -> tick());
      }
    }
  }

  /** Removes a dashboard, stopping the stats timer if it was the last. Any thread. */
  void close(String id) {
    synchronized (dashboards) {
      Dashboard dashboard = dashboards.remove(id);
      if (dashboard != null) {
        dashboard.close();
      }
      if (dashboards.isEmpty() && timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  /** How many dashboards are open. */
  public int open() {
    return dashboards.size();
  }

  /** Whether the stats timer runs (only while a dashboard is open). */
  public boolean ticking() {
    synchronized (dashboards) {
      return timer >= 0;
    }
  }

  /**
   * The most event lines any one dashboard has waiting (at most {@code realtime.admin.live.queue}).
   */
  int mostWaiting() {
    int most = 0;
    for (Dashboard dashboard : dashboards.values()) {
      most = Math.max(most, dashboard.waiting());
    }
    return most;
  }

  private void onEvent(LoggedEvent event) {
    if (dashboards.isEmpty()) {
      return; // nobody to tell: not even serialised
    }
    ObjectNode json = codec.mapper().createObjectNode();
    json.put("type", "event");
    event.writeTo(json.putObject("event"));
    String line = json.toString();
    for (Dashboard dashboard : dashboards.values()) {
      dashboard.offerEvent(line);
    }
  }

  /** On the timer's event loop: builds the next snapshot on a worker, unless one is building. */
  private void tick() {
    if (!building.compareAndSet(false, true)) {
      return;
    }
    vertx.executeBlocking(
        () -> {
          try {
            publishSnapshot();
          } finally {
            building.set(false);
          }
          return null;
        },
        false);
  }

  private void publishSnapshot() {
    if (dashboards.isEmpty()) {
      return;
    }
    ObjectNode snapshot = codec.mapper().createObjectNode();
    stats.writeCounters(snapshot);
    if (channels == null || ticks % CHANNELS_EVERY == 0) {
      channels = codec.mapper().createObjectNode();
      stats.writeChannels(channels);
    }
    ticks++;
    snapshot.setAll(channels);
    ObjectNode line = codec.mapper().createObjectNode();
    line.put("type", "stats");
    line.set("stats", snapshot);
    String text = line.toString();
    for (Dashboard dashboard : dashboards.values()) {
      dashboard.offerStats(text);
    }
  }
}
