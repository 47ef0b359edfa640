package io.parley.server.postgres;

import io.parley.client.ParleyOutbox;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The local PostgreSQL of the build (127.0.0.1:5432, database {@code test}, user {@code postgres},
 * trust authentication; {@code .ci/run} starts it), with one schema per test class so classes do
 * not see each other's rows.
 */
final class TestDatabase {
  static final String HOST = "127.0.0.1";
  static final int PORT = 5432;
  static final String DATABASE = "test";
  static final String USER = "postgres";
  static final String REACTIVE_URL = "postgresql://" + HOST + ":" + PORT + "/" + DATABASE;

  private TestDatabase() {}

  /**
   * A JDBC connection in auto-commit mode. The driver is called directly: after a Quarkus test ran
   * in the same JVM, {@code DriverManager} no longer finds it through the context class loader.
   */
  static Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", USER);
    return new org.postgresql.Driver()
        .connect("jdbc:postgresql://" + HOST + ":" + PORT + "/" + DATABASE, properties);
  }

  static PgConnectOptions options() {
    return new PgConnectOptions().setHost(HOST).setPort(PORT).setDatabase(DATABASE).setUser(USER);
  }

  static Pool pool(Vertx vertx) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4))
        .connectingTo(options())
        .using(vertx)
        .build();
  }

  /** Drops {@code schema} with everything in it. */
  static void dropSchema(String schema) throws SQLException {
    try (Connection db = connect();
        Statement statement = db.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** Inserts rows through the client jar's one call, in one committed transaction. */
  static void insertCommitted(ParleyOutbox.Table table, String channel, String... ids)
      throws SQLException {
    try (Connection db = connect()) {
      db.setAutoCommit(false);
      for (String id : ids) {
        table.insert(db, channel, "created", "{\"id\":\"" + id + "\"}", id);
      }
      db.commit();
    }
  }
}
