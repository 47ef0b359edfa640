package io.parley.server.transport.websocket;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Heartbeats fast enough to observe in a test. */
public class ShortTimingsProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "realtime.heartbeat.interval", "200ms",
        "realtime.heartbeat.timeout", "600ms");
  }
}
