package io.parley.server.health;

import io.parley.protocol.Transport;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.hub.Backplane;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The {@code parley} readiness check: DOWN before the first self-test round ends (unless self-tests
 * are off), while the last round is {@code CRITICAL}, while the backplane cannot write, and while a
 * {@link ReadinessGates} gate is closed (drain). Its data carries the status and each transport's
 * result. Reads only what the last round left; never blocks. Thread-safe.
 */
@Readiness
@ApplicationScoped
public class ParleyReadinessCheck implements HealthCheck {
  @Inject SelfTests selfTests;
  @Inject Backplane backplane;
  @Inject ReadinessGates gates;
  @Inject RealtimeConfig config;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("parley");
    NodeStatus last = selfTests.last();
    response.withData("status", selfTests.statusWord());
    boolean up = selfTests.passing();
    if (last != null) {
      for (Map.Entry<Transport, TransportResult> entry : last.transports().entrySet()) {
        TransportResult result = entry.getValue();
        String summary = result.state().name();
        if (result.state() != TransportResult.State.DISABLED) {
          summary += " in " + result.latencyMs() + " ms";
        }
        if (result.error() != null) {
          summary += ": " + result.error();
        }
        response.withData(entry.getKey().name(), summary);
      }
    }
    if (!backplane.writable()) {
      response.withData(
          "backplane",
          config.backplane().name().toLowerCase(java.util.Locale.ROOT)
              + " cannot write: publishes are refused (SERVER_UNAVAILABLE)");
      up = false;
    }
    List<String> held = gates.closedReasons();
    if (!held.isEmpty()) {
      response.withData("held", String.join(", ", held));
      up = false;
    }
    return response.status(up).build();
  }
}
