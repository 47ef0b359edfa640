package io.parley.server.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.parley.protocol.Transport;
import io.parley.server.config.RealtimeConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The self-tests' last round at {@code /q/metrics}: per transport, {@code parley.selftest.passing}
 * (1 passed, 0 failed, NaN untested or turned off) and {@code parley.selftest.latency}. Read at
 * scrape time from {@link SelfTests#last()}; nothing is counted on the way. Not registered with
 * {@code realtime.metrics.enabled=false}. Thread-safe.
 */
@Singleton
public class SelfTestMeters {
  @Inject MeterRegistry registry;
  @Inject SelfTests selfTests;
  @Inject RealtimeConfig config;

  void bind(@Observes StartupEvent event) {
    if (!config.metrics().enabled()) {
      return;
    }
    for (Transport transport : Transport.values()) {
      String tag = transport.name().toLowerCase(Locale.ROOT);
      Gauge.builder("parley.selftest.passing", () -> passing(transport))
          .description("Whether the transport passed its last self-test: 1, 0, or NaN untested")
          .tag("transport", tag)
          .register(registry);
      TimeGauge.builder(
              "parley.selftest.latency", () -> latencyMillis(transport), TimeUnit.MILLISECONDS)
          .description("How long the transport's last self-test took; NaN untested")
          .tag("transport", tag)
          .register(registry);
    }
  }

  private double passing(Transport transport) {
    TransportResult result = result(transport);
    if (result == null || result.state() == TransportResult.State.DISABLED) {
      return Double.NaN;
    }
    return result.ok() ? 1 : 0;
  }

  private double latencyMillis(Transport transport) {
    TransportResult result = result(transport);
    if (result == null || result.state() == TransportResult.State.DISABLED) {
      return Double.NaN;
    }
    return result.latencyMs();
  }

  private TransportResult result(Transport transport) {
    NodeStatus last = selfTests.last();
    return last == null ? null : last.transports().get(transport);
  }
}
