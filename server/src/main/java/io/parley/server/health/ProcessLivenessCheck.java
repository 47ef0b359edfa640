package io.parley.server.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * {@code /q/health/live}: UP while the process answers HTTP. It asks nothing else, so a failing
 * transport, backplane or database never gets the process restarted. Thread-safe.
 */
@Liveness
@ApplicationScoped
public class ProcessLivenessCheck implements HealthCheck {
  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.up("process");
  }
}
