package io.parley.server.transport.socketio;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The {@code conformance} configuration profile on top of {@code test} (ephemeral port): short
 * heartbeats, the echo handlers and {@code /engine.io/}.
 */
public class ConformanceProfile implements QuarkusTestProfile {
  @Override
  public String getConfigProfile() {
    return "test,conformance";
  }
}
