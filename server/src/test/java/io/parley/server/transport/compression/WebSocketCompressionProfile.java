package io.parley.server.transport.compression;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** WebSockets compressed with permessage-deflate when the client asks. */
public class WebSocketCompressionProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("realtime.websocket-compression", "true");
  }
}
