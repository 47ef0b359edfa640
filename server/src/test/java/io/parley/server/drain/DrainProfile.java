package io.parley.server.drain;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A node of its own for a drain (a drained node admits nobody again): short, seeded spread. */
public class DrainProfile implements QuarkusTestProfile {
  static final long SEED = 42;

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "realtime.drain.spread", "2s",
        "realtime.drain.deadline", "20s",
        "realtime.drain.seed", Long.toString(SEED),
        "realtime.limits.overload-retry-after", "1s");
  }
}
