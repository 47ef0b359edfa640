package io.parley.server.limits;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Small limits, so that each can be reached in a test: one profile for all of them, since each
 * profile restarts Quarkus. Anonymous access stays on (the test profile's default), without the
 * publisher role, which is exempt from rate limits.
 */
public class LimitsProfile implements QuarkusTestProfile {
  /** Subscriptions per connection. */
  static final int MAX_SUBSCRIPTIONS = 3;

  /** Publish burst; the rate (one per 100 s) gives nothing back within a test. */
  static final int PUBLISH_BURST = 3;

  /** Connections per token subject. */
  static final int MAX_CONNECTIONS_PER_USER = 2;

  /** Sessions on the node. */
  static final int MAX_CONNECTIONS = 8;

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "realtime.auth.anonymous.publisher",
        "false",
        "realtime.limits.max-subscriptions",
        Integer.toString(MAX_SUBSCRIPTIONS),
        "realtime.limits.publish-rate",
        "0.01",
        "realtime.limits.publish-burst",
        Integer.toString(PUBLISH_BURST),
        "realtime.limits.max-connections-per-user",
        Integer.toString(MAX_CONNECTIONS_PER_USER),
        "realtime.limits.max-connections",
        Integer.toString(MAX_CONNECTIONS),
        "realtime.limits.overload-retry-after",
        "7s",
        "realtime.http.cors-origins",
        "https://app.example",
        "realtime.http.cors-credentials",
        "true");
  }
}
