package io.parley.server.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The test profile with anonymous access off, as in production: every connection needs a token
 * signed by the test key. A short refresh grace makes token expiry observable.
 */
public class SecureProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "realtime.auth.anonymous.enabled", "false",
        "realtime.auth.refresh-grace", "1500ms");
  }
}
