package io.parley.client;

import io.parley.protocol.ChannelName;
import io.parley.protocol.Limits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Stateless and thread-safe; each call runs on the caller's thread and blocks for one {@code
 * INSERT} on the caller's {@link Connection}, which must not be used by another thread meanwhile.
 * It writes an event into Parley's PostgreSQL outbox table inside the caller's transaction, so the
 * event is published if and only if that transaction commits (docs/postgres.md). Any JDBC driver
 * for PostgreSQL works; this jar brings none.
 *
 * <pre>{@code
 * try (Connection db = dataSource.getConnection()) {
 *   db.setAutoCommit(false);
 *   // ... the application's own writes ...
 *   ParleyOutbox.insert(db, "orders:42", "shipped", "{\"carrier\":\"ups\"}", "order-42-shipped");
 *   db.commit(); // Parley publishes now; a rollback publishes nothing
 * }
 * }</pre>
 */
public final class ParleyOutbox {
  /** The table Parley's migration creates by default. */
  public static final Table DEFAULT_TABLE = new Table("public", "parley_outbox");

  private ParleyOutbox() {}

  /**
   * Inserts one event into {@code public.parley_outbox}; see {@link Table#insert}.
   *
   * @return the row's {@code seq}, its place in publishing order
   */
  public static long insert(
      Connection connection, String channel, String event, String jsonData, String id)
      throws SQLException {
    return DEFAULT_TABLE.insert(connection, channel, event, jsonData, id);
  }

  /**
   * An outbox table other than the default, as configured on the server with {@code
   * realtime.postgres.outbox.schema} and {@code .table}.
   *
   * @throws IllegalArgumentException when either is not a lower-case SQL identifier
   */
  public static Table table(String schema, String table) {
    return new Table(schema, table);
  }

  /**
   * Immutable and thread-safe: one outbox table.
   *
   * @param schema a lower-case SQL identifier, such as {@code public}
   * @param table a lower-case SQL identifier, such as {@code parley_outbox}
   */
  public record Table(String schema, String table) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

    public Table {
      for (String part : new String[] {schema, table}) {
        if (part == null || !IDENTIFIER.matcher(part).matches()) {
          throw new IllegalArgumentException(
              "schema and table must be lower-case SQL identifiers ([a-z_][a-z0-9_]*, at most 40"
                  + " characters) but were "
                  + schema
                  + " and "
                  + table);
        }
      }
    }

    /**
     * Inserts one event; it is published after the caller's transaction commits, once, with {@code
     * id} as its idempotency id, in the order of the returned {@code seq}.
     *
     * @param channel the Parley channel, {@link ChannelName#rule()}
     * @param event the event name, 1 to {@value Limits#MAX_EVENT_LENGTH} characters
     * @param jsonData the payload as JSON text, or {@code null} for none; PostgreSQL rejects
     *     invalid JSON
     * @param id the idempotency id, 1 to {@value Limits#MAX_ID_LENGTH} characters, or {@code null}
     *     for a random UUID made by the database
     * @return the row's {@code seq}
     * @throws IllegalArgumentException when the channel, event or id is invalid (nothing is sent)
     * @throws SQLException when the database refuses the insert; the caller's transaction is then
     *     aborted, as with any failed statement in PostgreSQL
     */
    public long insert(
        Connection connection, String channel, String event, String jsonData, String id)
        throws SQLException {
      Objects.requireNonNull(connection, "connection");
      if (!ChannelName.isValid(channel)) {
        throw new IllegalArgumentException(
            "channel must be " + ChannelName.rule() + " but was " + channel);
      }
      if (event == null || event.isEmpty() || event.length() > Limits.MAX_EVENT_LENGTH) {
        throw new IllegalArgumentException(
            "event must be 1 to " + Limits.MAX_EVENT_LENGTH + " characters but was " + event);
      }
      if (id != null && (id.isEmpty() || id.length() > Limits.MAX_ID_LENGTH)) {
        throw new IllegalArgumentException(
            "id must be 1 to " + Limits.MAX_ID_LENGTH + " characters, or null, but was " + id);
      }
      String sql =
          "INSERT INTO "
              + schema
              + "."
              + table
              + (id == null
                  ? " (channel, event, data) VALUES (?, ?, CAST(? AS jsonb))"
                  : " (channel, event, data, id) VALUES (?, ?, CAST(? AS jsonb), ?)")
              + " RETURNING seq";
      try (PreparedStatement insert = connection.prepareStatement(sql)) {
        insert.setString(1, channel);
        insert.setString(2, event);
        insert.setString(3, jsonData);
        if (id != null) {
          insert.setString(4, id);
        }
        try (ResultSet seq = insert.executeQuery()) {
          seq.next();
          return seq.getLong(1);
        }
      }
    }
  }
}
