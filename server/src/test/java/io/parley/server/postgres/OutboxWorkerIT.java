package io.parley.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.client.ParleyOutbox;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.protocol.time.Ticker;
import io.parley.server.backplane.memory.MemoryBackplane;
import io.parley.server.config.RealtimeConfig.Postgres.Outbox.AfterPublish;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.Hub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox worker against the build's PostgreSQL, without a server around it. */
class OutboxWorkerIT {
  private static final String SCHEMA = "outbox_worker_it";
  private static final OutboxTable TABLE = new OutboxTable(SCHEMA, "events");
  private static final ParleyOutbox.Table CLIENT_TABLE = ParleyOutbox.table(SCHEMA, "events");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  private static Vertx vertx;
  private final List<Pool> pools = new ArrayList<>();
  private final List<String> published = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void createTable() throws Exception {
    vertx = Vertx.vertx();
    TestDatabase.dropSchema(SCHEMA);
    Pool pool = TestDatabase.pool(vertx);
    try {
      OutboxWorker creator = worker(pool, (c, e, d, id) -> null, AfterPublish.DELETE);
      result(creator.createTable());
      // Twice: the migration is idempotent.
      result(creator.createTable());
    } finally {
      pool.close();
    }
  }

  @AfterAll
  static void closeVertx() throws Exception {
    TestDatabase.dropSchema(SCHEMA);
    result(vertx.close());
  }

  @BeforeEach
  @AfterEach
  void emptyTable() throws Exception {
    try (Connection db = TestDatabase.connect();
        Statement statement = db.createStatement()) {
      statement.execute("DELETE FROM " + TABLE.qualified());
    }
    for (Pool pool : pools) {
      pool.close();
    }
    pools.clear();
  }

  private static OutboxWorker worker(Pool pool, EventPublisher publisher, AfterPublish after) {
    return new OutboxWorker(
        vertx,
        pool,
        TABLE,
        publisher,
        3,
        after,
        Duration.ZERO,
        BackoffPolicy.fixed(Duration.ofMillis(50)),
        JSON);
  }

  private OutboxWorker recordingWorker() {
    return recordingWorker(AfterPublish.DELETE);
  }

  private OutboxWorker recordingWorker(AfterPublish after) {
    return worker(newPool(), this::record, after);
  }

  private Pool newPool() {
    Pool pool = TestDatabase.pool(vertx);
    pools.add(pool);
    return pool;
  }

  private CompletionStage<?> record(
      String channel, String event, com.fasterxml.jackson.databind.JsonNode data, String id) {
    assertThat(data.path("id").asText()).isEqualTo(id);
    published.add(id);
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String freshChannel() {
    return "orders:" + CHANNELS.incrementAndGet();
  }

  private static long rows(String where) throws Exception {
    try (Connection db = TestDatabase.connect();
        Statement statement = db.createStatement();
        ResultSet count =
            statement.executeQuery(
                "SELECT count(*) FROM " + TABLE.qualified() + " WHERE " + where)) {
      count.next();
      return count.getLong(1);
    }
  }

  @Test
  void committedRowsArePublishedOnceInRowOrderAcrossBatches() throws Exception {
    String channel = freshChannel();
    TestDatabase.insertCommitted(CLIENT_TABLE, channel, "a1", "a2", "a3", "a4");
    TestDatabase.insertCommitted(CLIENT_TABLE, channel, "b1");
    OutboxWorker worker = recordingWorker();

    assertThat(result(worker.batch())).isEqualTo(3);
    assertThat(result(worker.batch())).isEqualTo(2);
    assertThat(result(worker.batch())).isZero();

    assertThat(published).containsExactly("a1", "a2", "a3", "a4", "b1");
    assertThat(rows("true")).isZero();
  }

  @Test
  void aRolledBackInsertPublishesNothing() throws Exception {
    String channel = freshChannel();
    try (Connection db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      CLIENT_TABLE.insert(db, channel, "created", "{\"id\":\"ghost\"}", "ghost");
      db.rollback();
    }
    TestDatabase.insertCommitted(CLIENT_TABLE, channel, "real");
    OutboxWorker worker = recordingWorker();

    worker.drain();

    await().atMost(Duration.ofSeconds(10)).until(() -> published.contains("real"));
    assertThat(published).containsExactly("real");
  }

  @Test
  void rowsCommittingOutOfIdOrderAreBothPublished() throws Exception {
    String channel = freshChannel();
    OutboxWorker worker = recordingWorker();
    try (Connection first = TestDatabase.connect();
        Connection second = TestDatabase.connect()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      long earlier = CLIENT_TABLE.insert(first, channel, "created", "{\"id\":\"early\"}", "early");
      long later = CLIENT_TABLE.insert(second, channel, "created", "{\"id\":\"late\"}", "late");
      assertThat(later).isGreaterThan(earlier);

      second.commit();
      assertThat(result(worker.batch())).isEqualTo(1);
      assertThat(published).containsExactly("late");

      first.commit();
    }
    assertThat(result(worker.batch())).isEqualTo(1);
    assertThat(published).containsExactly("late", "early");
  }

  @Test
  void aBatchKilledBetweenPublishAndMarkIsDeliveredOnceWhenRetried() throws Exception {
    String channel = freshChannel();
    TestDatabase.insertCommitted(CLIENT_TABLE, channel, "k1", "k2");
    Backplane backplane =
        new MemoryBackplane(
            100, Duration.ofMinutes(10), Duration.ofMinutes(10), 1_000, Ticker.system(), () -> "e");
    Hub hub = new Hub(backplane, () -> "s", System::currentTimeMillis, 100);
    EventPublisher hubPublication = new HubPublication(hub, "parley:outbox:test");
    List<Backplane.Appended> appended = new CopyOnWriteArrayList<>();
    EventPublisher recorded =
        (c, e, d, id) ->
            hubPublication
                .publish(c, e, d, id)
                .thenApply(
                    result -> {
                      appended.add((Backplane.Appended) result);
                      return result;
                    });
    // The first node publishes both rows, then dies before its transaction commits.
    Pool dying = newPool();
    EventPublisher thenDie =
        (c, e, d, id) ->
            recorded
                .publish(c, e, d, id)
                .thenCompose(
                    result ->
                        id.equals("k2")
                            ? dying.close().toCompletionStage().thenApply(ignored -> result)
                            : java.util.concurrent.CompletableFuture.completedFuture(result));
    OutboxWorker first = worker(dying, thenDie, AfterPublish.DELETE);
    assertThat(first.batch().toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(10));
    assertThat(rows("true")).isEqualTo(2);

    OutboxWorker restarted = worker(newPool(), recorded, AfterPublish.DELETE);
    assertThat(result(restarted.batch())).isEqualTo(2);

    assertThat(appended).hasSize(4);
    assertThat(appended.subList(0, 2)).noneMatch(Backplane.Appended::duplicate);
    assertThat(appended.subList(2, 4)).allMatch(Backplane.Appended::duplicate);
    assertThat(appended.get(2).position()).isEqualTo(appended.get(0).position());
    assertThat(appended.get(3).position()).isEqualTo(appended.get(1).position());
    assertThat(rows("true")).isZero();
  }

  @Test
  void twoWorkersOnOneTablePublishNoRowTwiceAndKeepRowOrder() throws Exception {
    String channel = freshChannel();
    OutboxWorker one = recordingWorker();
    OutboxWorker two = recordingWorker();
    List<String> ids = new ArrayList<>();
    for (int transaction = 0; transaction < 40; transaction++) {
      String[] batch = new String[5];
      for (int row = 0; row < batch.length; row++) {
        batch[row] = String.format("%03d", transaction * batch.length + row);
        ids.add(batch[row]);
      }
      TestDatabase.insertCommitted(CLIENT_TABLE, channel, batch);
      one.drain();
      two.drain();
    }
    one.drain();
    two.drain();

    await().atMost(Duration.ofSeconds(20)).until(() -> published.size() >= ids.size());
    assertThat(new HashSet<>(published)).hasSameSizeAs(published);
    assertThat(published).containsExactlyElementsOf(ids);
    Set<String> unpublished = new HashSet<>(ids);
    published.forEach(unpublished::remove);
    assertThat(unpublished).isEmpty();
    assertThat(Collections.frequency(published, "000")).isEqualTo(1);
  }

  @Test
  void markedRowsStayUntilPrunedAfterTheirRetention() throws Exception {
    String channel = freshChannel();
    TestDatabase.insertCommitted(CLIENT_TABLE, channel, "m1", "m2");
    OutboxWorker worker = recordingWorker(AfterPublish.MARK);

    assertThat(result(worker.batch())).isEqualTo(2);
    assertThat(result(worker.batch())).isZero();
    assertThat(rows("published_at IS NOT NULL")).isEqualTo(2);

    assertThat(result(worker.prune())).isEqualTo(2);
    assertThat(rows("true")).isZero();
    assertThat(published).containsExactly("m1", "m2");
  }
}
