package io.parley.server.admin;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Self-tests on (they are off in other tests), every 2 seconds, so that the dashboard's status
 * panel shows each transport's last result and latency; room for a burst of 10,000 connections
 * ({@code -Ddashboard.burst=10000}) beside the test profile's other connections.
 */
public class DashboardProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "realtime.health.enabled", "true",
        "realtime.health.interval", "2s",
        "realtime.health.timeout", "10s",
        "quarkus.http.limits.max-connections", "15000");
  }
}
