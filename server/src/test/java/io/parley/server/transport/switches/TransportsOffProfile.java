package io.parley.server.transport.switches;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** {@code /ws}, {@code /realtime/poll} and Engine.IO's WebSocket turned off; polling stays. */
public class TransportsOffProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "realtime.transports.websocket", "false",
        "realtime.transports.http-poll", "false",
        "realtime.transports.socketio-websocket", "false");
  }
}
