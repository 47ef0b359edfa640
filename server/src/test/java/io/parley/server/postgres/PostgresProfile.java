package io.parley.server.postgres;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The test server with the outbox and the bridge on, against the build's PostgreSQL, in a schema of
 * its own that is dropped before the server starts (the server then creates its table). The one
 * extra Quarkus boot of the PostgreSQL tests.
 */
public class PostgresProfile implements QuarkusTestProfile {
  static final String SCHEMA = "postgres_events_it";
  static final String TABLE = "parley_outbox";
  static final String BRIDGE_CHANNEL = "parley_it_bridge";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "quarkus.datasource.reactive.url",
        TestDatabase.REACTIVE_URL,
        "quarkus.datasource.username",
        TestDatabase.USER,
        "realtime.postgres.outbox.enabled",
        "true",
        "realtime.postgres.outbox.schema",
        SCHEMA,
        "realtime.postgres.outbox.table",
        TABLE,
        "realtime.postgres.outbox.create-table",
        "true",
        "realtime.postgres.outbox.sweep",
        "1s",
        "realtime.postgres.listen",
        BRIDGE_CHANNEL,
        "realtime.postgres.reconnect-initial",
        "100ms",
        "realtime.postgres.reconnect-max",
        "1s");
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(FreshSchema.class));
  }

  /** Drops the profile's schema before the server starts, so each run starts empty. */
  public static class FreshSchema implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      try {
        TestDatabase.dropSchema(SCHEMA);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(
            "PostgreSQL must answer on 127.0.0.1:5432 for these tests (.ci/run starts it)", e);
      }
      return Map.of();
    }

    @Override
    public void stop() {}
  }
}
