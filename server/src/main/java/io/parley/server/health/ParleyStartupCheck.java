package io.parley.server.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * {@code /q/health/started}: DOWN until the first self-test round has ended (whatever its verdict),
 * then UP for good; UP at once with self-tests off. Thread-safe.
 */
@Startup
@ApplicationScoped
public class ParleyStartupCheck implements HealthCheck {
  @Inject SelfTests selfTests;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("parley-self-tests")
        .status(!selfTests.enabled() || selfTests.last() != null)
        .withData("rounds", selfTests.rounds())
        .build();
  }
}
