package io.parley.server.transport.switches;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Socket.IO turned off altogether; {@code /ws} and HTTP polling stay. */
public class SocketIoOffProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("realtime.transports.socketio", "false");
  }
}
