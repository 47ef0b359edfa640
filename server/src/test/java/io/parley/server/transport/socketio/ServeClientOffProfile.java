package io.parley.server.transport.socketio;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The test profile with {@code realtime.socketio.serve-client=false}. */
public class ServeClientOffProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("realtime.socketio.serve-client", "false");
  }
}
