package io.parley.server.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Immutable and thread-safe: where the outbox lives, a schema and a table, each a plain lower-case
 * SQL identifier so both can be written into SQL without quoting.
 *
 * @param schema the table's schema, such as {@code public}
 * @param table the table's name, such as {@code parley_outbox}
 */
public record OutboxTable(String schema, String table) {
  /** The migration shipped in the jar, written for {@code parley_outbox}. */
  public static final String MIGRATION = "db/parley/outbox.sql";

  /** The table name the shipped migration is written for. */
  static final String DEFAULT_TABLE = "parley_outbox";

  /** Up to 40 characters: the migration derives longer names (index, function) from the table's. */
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  /**
   * @throws IllegalArgumentException naming the setting when either is not a plain identifier
   */
  public OutboxTable {
    check("realtime.postgres.outbox.schema", schema);
    check("realtime.postgres.outbox.table", table);
  }

  private static void check(String setting, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      throw new IllegalArgumentException(
          setting
              + " must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 40 characters)"
              + " but was "
              + (value == null ? "absent" : "\"" + value + "\""));
    }
  }

  /** {@code schema.table}, for SQL. */
  public String qualified() {
    return schema + "." + table;
  }

  /** The channel the table's trigger notifies: {@code schema.table}, as the trigger builds it. */
  public String notifyChannel() {
    return schema + "." + table;
  }

  /**
   * The shipped migration for this table: creates the schema when missing, puts it first on the
   * search path for the transaction, and names everything after the table. Run it in one
   * transaction.
   */
  public String migration() {
    String shipped;
    try (InputStream in = OutboxTable.class.getClassLoader().getResourceAsStream(MIGRATION)) {
      if (in == null) {
        throw new IllegalStateException(MIGRATION + " is missing from the classpath");
      }
      shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "CREATE SCHEMA IF NOT EXISTS "
        + schema
        + ";\nSET LOCAL search_path TO "
        + schema
        + ";\n"
        + shipped.replace(DEFAULT_TABLE, table);
  }
}
