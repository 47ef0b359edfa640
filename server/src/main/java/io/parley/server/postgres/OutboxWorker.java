package io.parley.server.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.parley.protocol.ChannelName;
import io.parley.protocol.Limits;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.server.config.RealtimeConfig.Postgres.Outbox.AfterPublish;
import io.parley.server.hub.RefusedException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes the committed rows of the outbox table, once each and in row ({@code seq}) order.
 * Thread-safe: {@link #drain()} may be called from any thread (a notification, the sweep timer, a
 * test); drains of one worker run one at a time, on the pool's event loop, and never block.
 *
 * <p>One drain is a loop of batch transactions. Each takes a transaction-scoped advisory lock on
 * the table ({@code pg_try_advisory_xact_lock}), reads up to {@code batchSize} unpublished rows in
 * {@code seq} order, publishes them one after the other through the hub with the row's {@code id}
 * as the idempotency id, then deletes or marks them and commits. So:
 *
 * <ul>
 *   <li>Only committed rows are ever read, so a rolled-back insert publishes nothing.
 *   <li>Rows are found by "not yet published", never by "after the last seq seen": a row whose
 *       transaction commits after a later-numbered row was published is published by the next
 *       drain, not skipped.
 *   <li>Across nodes one batch runs at a time per table: the others skip (their notification or
 *       sweep runs again later), so no row is read by two nodes at once and the table's order is
 *       kept across nodes. A node that dies mid-batch loses its connection, which rolls back and
 *       releases the lock.
 *   <li>A batch that published but did not commit (node killed, connection lost) leaves its rows in
 *       place; the next drain publishes them again with the same ids, and the hub acknowledges
 *       those as duplicates within its idempotency window instead of delivering them twice.
 * </ul>
 *
 * <p>A row the hub refuses (an invalid channel or event) is logged at ERROR with its seq and id and
 * then settled like a published one, so it cannot block the rows behind it.
 */
final class OutboxWorker {
  private static final System.Logger LOG = System.getLogger(OutboxWorker.class.getName());

  /** Returned by a batch that did not get the table's lock: another node is draining. */
  static final int BUSY = -1;

  private final Vertx vertx;
  private final Pool pool;
  private final OutboxTable table;
  private final EventPublisher publisher;
  private final int batchSize;
  private final AfterPublish afterPublish;
  private final Duration retention;
  private final Retries retries;
  private final ObjectMapper json;
  private final String select;
  private final String settle;

  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean requested = new AtomicBoolean();

  /** Failed batches in a row; confined to the drain loop (one at a time). */
  private int failures;

  private volatile boolean stopped;

  OutboxWorker(
      Vertx vertx,
      Pool pool,
      OutboxTable table,
      EventPublisher publisher,
      int batchSize,
      AfterPublish afterPublish,
      Duration retention,
      BackoffPolicy retryBackoff,
      ObjectMapper json) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "realtime.postgres.outbox.batch-size must be at least 1 but was " + batchSize);
    }
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.table = Objects.requireNonNull(table, "table");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.batchSize = batchSize;
    this.afterPublish = Objects.requireNonNull(afterPublish, "afterPublish");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.retries = new Retries(vertx, retryBackoff);
    this.json = Objects.requireNonNull(json, "json");
    String from = " FROM " + table.qualified();
    this.select =
        "SELECT seq, channel, event, data::text, id"
            + from
            + " WHERE published_at IS NULL ORDER BY seq LIMIT $1";
    this.settle =
        afterPublish == AfterPublish.DELETE
            ? "DELETE" + from + " WHERE seq = ANY($1)"
            : "UPDATE " + table.qualified() + " SET published_at = now() WHERE seq = ANY($1)";
  }

  /**
   * Creates the table, its index and its trigger when missing (the shipped migration). Safe to run
   * on several nodes at once: they take turns on an advisory lock.
   */
  Future<Void> createTable() {
    return pool.withTransaction(
        connection ->
            lock(connection, "pg_advisory_xact_lock")
                .compose(ignored -> connection.query(table.migration()).execute())
                .<Void>mapEmpty());
  }

  /**
   * Asks for a drain: publishes every committed unpublished row. Returns at once. A request during
   * a running drain makes it read once more when done, so a notification is never lost to a drain
   * that had already read the table.
   */
  void drain() {
    requested.set(true);
    if (!stopped && running.compareAndSet(false, true)) {
      vertx.runOnContext(ignored -> loop());
    }
  }

  /** Stops draining; a batch in flight completes or rolls back on its own. */
  void stop() {
    stopped = true;
  }

  private void loop() {
    if (stopped || !requested.getAndSet(false)) {
      running.set(false);
      // A request that came between the check and the reset would otherwise wait for the sweep.
      if (!stopped && requested.get() && running.compareAndSet(false, true)) {
        loop();
      }
      return;
    }
    batch()
        .onComplete(
            result -> {
              if (result.succeeded()) {
                if (failures > 0) {
                  LOG.log(
                      System.Logger.Level.INFO,
                      "outbox " + table.qualified() + " reachable again; publishing resumes");
                }
                failures = 0;
                if (result.result() == batchSize) {
                  requested.set(true);
                }
                loop();
                return;
              }
              failures++;
              running.set(false);
              retries.after(
                  "outbox " + table.qualified() + ": a batch",
                  failures,
                  result.cause(),
                  this::drain);
            });
  }

  /**
   * One batch transaction.
   *
   * @return rows settled, or {@link #BUSY} when another node holds the table's lock
   */
  Future<Integer> batch() {
    return pool.withTransaction(
        connection ->
            lock(connection, "pg_try_advisory_xact_lock")
                .compose(
                    locked -> {
                      if (!locked) {
                        return Future.succeededFuture(BUSY);
                      }
                      return connection
                          .preparedQuery(select)
                          .execute(Tuple.of(batchSize))
                          .compose(rows -> publishAll(rows))
                          .compose(seqs -> settle(connection, seqs));
                    }));
  }

  /** Deletes published rows marked longer ago than the retention; only with {@code mark}. */
  Future<Integer> prune() {
    if (afterPublish != AfterPublish.MARK) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery(
            "DELETE FROM "
                + table.qualified()
                + " WHERE published_at < now() - $1::bigint * interval '1 millisecond'")
        .execute(Tuple.of(retention.toMillis()))
        .map(RowSet::rowCount);
  }

  private Future<Boolean> lock(SqlConnection connection, String function) {
    return connection
        .preparedQuery("SELECT " + function + "(hashtext($1))")
        .execute(Tuple.of("parley:outbox:" + table.qualified()))
        .map(rows -> rows.iterator().next().getValue(0) != Boolean.FALSE);
  }

  /** Publishes the rows one after another, in seq order; completes with the seqs to settle. */
  private Future<List<Long>> publishAll(RowSet<Row> rows) {
    List<Long> seqs = new ArrayList<>(rows.size());
    Future<Void> chain = Future.succeededFuture();
    for (Row row : rows) {
      chain = chain.compose(ignored -> publish(row)).onSuccess(ignored -> seqs.add(row.getLong(0)));
    }
    return chain.map(ignored -> seqs);
  }

  private Future<Void> publish(Row row) {
    long seq = row.getLong(0);
    String channel = row.getString(1);
    String event = row.getString(2);
    String id = row.getString(4);
    String problem = problem(channel, event, id);
    JsonNode data = NullNode.getInstance();
    if (problem == null && row.getString(3) != null) {
      try {
        data = json.readTree(row.getString(3));
      } catch (JsonProcessingException e) {
        problem = "data is not JSON: " + e.getOriginalMessage();
      }
    }
    if (problem != null) {
      refused(seq, id, problem);
      return Future.succeededFuture();
    }
    CompletionStage<?> published = publisher.publish(channel, event, data, id);
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(published, context)
        .<Void>mapEmpty()
        .recover(
            failure -> {
              if (failure instanceof RefusedException refused) {
                refused(seq, id, refused.refusal().message());
                return Future.succeededFuture();
              }
              return Future.failedFuture(failure);
            });
  }

  /** What is wrong with a row, or {@code null}; the hub would refuse it or clients could not. */
  private static String problem(String channel, String event, String id) {
    if (!ChannelName.isValid(channel)) {
      return "channel must be " + ChannelName.rule() + " but was \"" + channel + "\"";
    }
    if (event == null || event.isEmpty() || event.length() > Limits.MAX_EVENT_LENGTH) {
      return "event must be 1 to " + Limits.MAX_EVENT_LENGTH + " characters";
    }
    if (id == null || id.isEmpty() || id.length() > Limits.MAX_ID_LENGTH) {
      return "id must be 1 to " + Limits.MAX_ID_LENGTH + " characters";
    }
    return null;
  }

  private void refused(long seq, String id, String why) {
    LOG.log(
        System.Logger.Level.ERROR,
        "outbox "
            + table.qualified()
            + " row seq="
            + seq
            + " id="
            + id
            + " cannot be published and is settled without it: "
            + why);
  }

  private Future<Integer> settle(SqlConnection connection, List<Long> seqs) {
    if (seqs.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return connection
        .preparedQuery(settle)
        .execute(Tuple.of(seqs.toArray(new Long[0])))
        .map(ignored -> seqs.size());
  }
}
