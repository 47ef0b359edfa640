package io.parley.server.backplane.redis;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The Redis backplane on the machine's Redis (127.0.0.1:6379), under a key prefix of this test
 * run's own, which {@link RedisKeys#deleteUnder} removes afterwards.
 */
public class RedisProfile implements QuarkusTestProfile {
  /**
   * The key prefix of this test JVM: the process id, not a random id, because the profile class is
   * loaded both by the test's and by Quarkus' class loader, and both must agree.
   */
  public static final String PREFIX = "parley-test:pid" + ProcessHandle.current().pid() + ":";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("realtime.backplane", "redis", "realtime.redis.key-prefix", PREFIX);
  }
}
