package io.parley.server.health;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Self-tests on (they are off in other tests) and every 300 ms, so that a test sees the status
 * follow a switch quickly.
 */
public class HealthProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "realtime.health.enabled",
        "true",
        "realtime.health.interval",
        "300ms",
        "realtime.health.timeout",
        "10s");
  }
}
