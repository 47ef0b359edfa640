package io.parley.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.server.events.ConnectionEvent;
import io.parley.server.events.ConnectionObserver;
import io.parley.server.events.TransportKind;
import io.parley.server.hub.Hub;
import io.parley.server.hub.HubCounters;
import io.parley.server.transport.engineio.EngineError;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * Parley's meters at {@code /q/metrics}, named as {@code docs/operations.md} lists them. Counts
 * connection events as they happen (they are rare next to deliveries) and reads everything else at
 * scrape time from where it is counted: the hub's {@link HubCounters}, the transports' {@link
 * DeliveryCounters}, the long-polls waiting. Health self-test connections ({@code probe}) are left
 * out. Does nothing with {@code realtime.metrics.enabled=false}. Thread-safe.
 */
@Singleton
public class ParleyMeters implements ConnectionObserver {
  private final MeterRegistry registry;
  private final DeliveryCounters deliveries;
  private final Hub hub;
  private final PollsWaiting pollsWaiting;
  private final AtomicLong[] open = new AtomicLong[TransportKind.values().length];

  @Inject
  public ParleyMeters(
      MeterRegistry registry, DeliveryCounters deliveries, Hub hub, PollsWaiting pollsWaiting) {
    this.registry = registry;
    this.deliveries = deliveries;
    this.hub = hub;
    this.pollsWaiting = pollsWaiting;
    for (int i = 0; i < open.length; i++) {
      open[i] = new AtomicLong();
    }
  }

  void bind(@Observes StartupEvent event) {
    if (!deliveries.enabled()) {
      return;
    }
    for (TransportKind transport : TransportKind.values()) {
      if (transport != TransportKind.HTTP) {
        Gauge.builder("parley.connections", open[transport.ordinal()], AtomicLong::get)
            .description("Open connections")
            .tag("transport", transport.tag())
            .register(registry);
      }
      FunctionCounter.builder(
              "parley.deliveries", deliveries, counters -> counters.deliveries(transport))
          .description("Messages handed to connections (HTTP: answered to polls)")
          .tag("transport", transport.tag())
          .register(registry);
    }
    HubCounters counters = hub.counters();
    hubCounter("parley.messages.published", "Messages published", counters, c -> c.published());
    hubCounter(
        "parley.publishes.duplicate",
        "Publishes suppressed as retries of an earlier one",
        counters,
        c -> c.duplicatePublishes());
    FunctionCounter.builder("parley.resumes", counters, c -> c.resumesRecovered())
        .description("Subscribes with a position: everything missed replayed, or a gap")
        .tag("outcome", "recovered")
        .register(registry);
    FunctionCounter.builder("parley.resumes", counters, c -> c.resumesGap())
        .description("Subscribes with a position: everything missed replayed, or a gap")
        .tag("outcome", "gap")
        .register(registry);
    hubCounter(
        "parley.resumes.replayed",
        "Messages replayed from history to resuming subscribers",
        counters,
        c -> c.replayedMessages());
    hubCounter(
        "parley.slow.consumers",
        "Connections disconnected as slow consumers",
        counters,
        c -> c.slowConsumers());
    hubCounter(
        "parley.rate.limited",
        "Publishes refused with RATE_LIMITED",
        counters,
        c -> c.rateLimited());
    Gauge.builder("parley.outbound.queued", hub, h -> h.outboundQueued())
        .description("Frames queued on all connections and not yet written")
        .register(registry);
    Gauge.builder("parley.polls.waiting", pollsWaiting, p -> p.count())
        .description("HTTP long-polls waiting for a message")
        .register(registry);
    Timer timer =
        Timer.builder("parley.delivery.latency")
            .description(
                "From a message's publish time to its hand-off to subscribers' outbound queues,"
                    + " sampled once per message per fan-out thread")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    deliveries.latency(millis -> timer.record(millis, TimeUnit.MILLISECONDS));
  }

  private void hubCounter(
      String name, String description, HubCounters counters, ToDoubleFunction<HubCounters> read) {
    FunctionCounter.builder(name, counters, read).description(description).register(registry);
  }

  @Override
  public void on(ConnectionEvent event) {
    if (!deliveries.enabled()) {
      return;
    }
    if (event instanceof ConnectionEvent.Connected connected) {
      if (connected.connection().probe()) {
        return;
      }
      open[connected.transport().ordinal()].incrementAndGet();
      connects(connected.transport(), "accepted");
    } else if (event instanceof ConnectionEvent.Disconnected disconnected) {
      if (disconnected.connection().probe()) {
        return;
      }
      open[disconnected.transport().ordinal()].decrementAndGet();
      registry
          .counter(
              "parley.disconnects",
              "transport",
              disconnected.transport().tag(),
              "reason",
              disconnected.reason().tag())
          .increment();
    } else if (event instanceof ConnectionEvent.TransportChanged changed) {
      if (changed.connection().probe()) {
        return;
      }
      open[changed.from().ordinal()].decrementAndGet();
      open[changed.transport().ordinal()].incrementAndGet();
      registry
          .counter(
              "parley.transport.changes",
              "from",
              changed.from().tag(),
              "to",
              changed.transport().tag())
          .increment();
    } else if (event instanceof ConnectionEvent.Refused refused) {
      String code = refused.code().name().toLowerCase(Locale.ROOT);
      if (refused.stage() == ConnectionEvent.Stage.CONNECT) {
        connects(refused.transport(), code);
      }
      if (refused.authentication()) {
        registry
            .counter("parley.auth.failures", "transport", refused.transport().tag(), "code", code)
            .increment();
      }
    }
  }

  /**
   * Counts one Engine.IO handshake on {@code transport} ({@code polling}, {@code websocket}),
   * accepted ({@code error} null) or refused; event loop.
   */
  public void engineHandshake(String transport, EngineError error) {
    if (!deliveries.enabled()) {
      return;
    }
    registry
        .counter(
            "parley.engineio.handshakes",
            "transport",
            transport,
            "outcome",
            error == null ? "ok" : error.name().toLowerCase(Locale.ROOT))
        .increment();
  }

  private void connects(TransportKind transport, String outcome) {
    registry
        .counter("parley.connects", "transport", transport.tag(), "outcome", outcome)
        .increment();
  }
}
