package io.parley.server.limits;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Small limits and short connection timeouts, so that each can be reached in a test: one profile
 * for all of them, since each profile restarts Quarkus. Anonymous access stays on (the test
 * profile's default), without the publisher role, which is exempt from rate limits.
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

  /** Seconds a connection may take to complete its first request's headers. */
  static final int HEADER_TIMEOUT_SECONDS = 1;

  /** Seconds a {@code /ws} connection may take to send {@code hello}. */
  static final int HELLO_TIMEOUT_SECONDS = 1;

  /** The one browser origin allowed to open WebSockets. */
  static final String ALLOWED_ORIGIN = "https://app.example";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("realtime.auth.anonymous.publisher", "false"),
        Map.entry("realtime.limits.max-subscriptions", Integer.toString(MAX_SUBSCRIPTIONS)),
        Map.entry("realtime.limits.publish-rate", "0.01"),
        Map.entry("realtime.limits.publish-burst", Integer.toString(PUBLISH_BURST)),
        Map.entry(
            "realtime.limits.max-connections-per-user", Integer.toString(MAX_CONNECTIONS_PER_USER)),
        Map.entry("realtime.limits.max-connections", Integer.toString(MAX_CONNECTIONS)),
        Map.entry("realtime.limits.overload-retry-after", "7s"),
        Map.entry("realtime.http.cors-origins", "https://app.example"),
        Map.entry("realtime.http.cors-credentials", "true"),
        Map.entry("realtime.connections.header-timeout", HEADER_TIMEOUT_SECONDS + "s"),
        Map.entry("realtime.connections.hello-timeout", HELLO_TIMEOUT_SECONDS + "s"),
        Map.entry("realtime.websocket.allowed-origins", ALLOWED_ORIGIN));
  }
}
