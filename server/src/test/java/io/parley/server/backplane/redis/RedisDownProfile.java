package io.parley.server.backplane.redis;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The Redis backplane pointed at a loopback port where nothing listens (port 1), so that every
 * connection attempt is refused at once: Redis unreachable, without touching the shared Redis.
 */
public class RedisDownProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "realtime.backplane",
        "redis",
        "quarkus.redis.hosts",
        "redis://127.0.0.1:1",
        "realtime.redis.reconnect-max",
        "200ms");
  }
}
