package io.parley.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.client.ParleyOutbox;
import io.parley.protocol.Position;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.protocol.time.Ticker;
import io.parley.server.backplane.memory.MemoryBackplane;
import io.parley.server.backplane.redis.RedisBackplane;
import io.parley.server.backplane.redis.RedisKeys;
import io.parley.server.config.RealtimeConfig.Postgres.Outbox.AfterPublish;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Replay;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
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
import java.util.SplittableRandom;
import java.util.UUID;
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
  private final String redisPrefix = "parley-test:outbox-worker-it:" + UUID.randomUUID() + ":";
  private final List<RedisNode> redisNodes = new ArrayList<>();

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

  /** A hub on {@code backplane}, as a node makes it. */
  private static Hub hubOn(Backplane backplane) {
    return new Hub(backplane, () -> "s", System::currentTimeMillis, 100);
  }

  private static MemoryBackplane memoryBackplane(String epoch) {
    return new MemoryBackplane(
        100, Duration.ofMinutes(10), Duration.ofMinutes(10), 1_000, Ticker.system(), () -> epoch);
  }

  /**
   * Publishes through {@code hub} as the outbox does, and notes each append in {@code appended}.
   */
  private static EventPublisher through(Hub hub, List<Backplane.Appended> appended) {
    EventPublisher hubPublication = new HubPublication(hub, "parley:outbox:test");
    return (c, e, d, id) ->
        hubPublication
            .publish(c, e, d, id)
            .thenApply(
                result -> {
                  appended.add((Backplane.Appended) result);
                  return result;
                });
  }

  /**
   * Runs a batch through {@code publisher} that publishes every row and then loses its database
   * connection after publishing {@code lastId}, before its transaction commits: a node killed
   * between publish and mark. The rows stay in the table.
   */
  private void publishThenDie(EventPublisher publisher, String lastId, int rows) throws Exception {
    Pool dying = newPool();
    EventPublisher thenDie =
        (c, e, d, id) ->
            publisher
                .publish(c, e, d, id)
                .thenCompose(
                    result ->
                        id.equals(lastId)
                            ? dying.close().toCompletionStage().thenApply(ignored -> result)
                            : java.util.concurrent.CompletableFuture.completedFuture(result));
    OutboxWorker first = worker(dying, thenDie, AfterPublish.DELETE);
    assertThat(first.batch().toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(10));
    assertThat(rows("true")).isEqualTo(rows);
  }

  @Test
  void aBatchKilledBetweenPublishAndMarkIsDeliveredOnceWhenRetried() throws Exception {
    String channel = freshChannel();
    TestDatabase.insertCommitted(CLIENT_TABLE, channel, "k1", "k2");
    List<Backplane.Appended> appended = new CopyOnWriteArrayList<>();
    EventPublisher recorded = through(hubOn(memoryBackplane("e")), appended);
    publishThenDie(recorded, "k2", 2);

    OutboxWorker restarted = worker(newPool(), recorded, AfterPublish.DELETE);
    assertThat(result(restarted.batch())).isEqualTo(2);

    assertThat(appended).hasSize(4);
    assertThat(appended.subList(0, 2)).noneMatch(Backplane.Appended::duplicate);
    assertThat(appended.subList(2, 4)).allMatch(Backplane.Appended::duplicate);
    assertThat(appended.get(2).position()).isEqualTo(appended.get(0).position());
    assertThat(appended.get(3).position()).isEqualTo(appended.get(1).position());
    assertThat(rows("true")).isZero();
  }

  /**
   * A node's Redis side, as the server wires it: its own Vert.x, Redis client and backplane, under
   * the test's key prefix. Stopping it is the node process ending. Used from the test thread only.
   */
  private final class RedisNode {
    final Vertx nodeVertx = Vertx.vertx();
    final Redis redis =
        Redis.createClient(
            nodeVertx,
            new RedisOptions()
                .setConnectionString(RedisKeys.URL)
                .setMaxPoolSize(16)
                .setMaxPoolWaiting(4096));
    final RedisBackplane backplane;
    private boolean stopped;

    RedisNode(String epoch) {
      backplane =
          new RedisBackplane(
              nodeVertx,
              redis,
              new RedisBackplane.Settings(
                  redisPrefix,
                  100,
                  Duration.ofMinutes(10),
                  Duration.ofMinutes(10),
                  Duration.ofHours(1),
                  Duration.ofSeconds(2),
                  Duration.ofMillis(500)),
              () -> epoch,
              new SplittableRandom(1));
      redisNodes.add(this);
      await().atMost(Duration.ofSeconds(10)).until(backplane::writable);
    }

    void stop() throws Exception {
      if (!stopped) {
        stopped = true;
        backplane.close();
        redis.close();
        result(nodeVertx.close());
      }
    }
  }

  @AfterEach
  void stopRedisNodesAndDeleteTheirKeys() throws Exception {
    for (RedisNode node : redisNodes) {
      node.stop();
    }
    if (!redisNodes.isEmpty()) {
      RedisKeys.deleteUnder(redisPrefix);
    }
  }

  /**
   * A node process killed between publish and mark, and a new process (new Vert.x, Redis client,
   * backplane and hub; nothing kept in memory) on the same Redis retrying the batch: Redis
   * remembers the row ids, so the retry is acknowledged with the first positions and not delivered
   * again. This test fails when the idempotency memory is not shared: with node B's hub on a new
   * in-memory backplane instead ({@code hubOn(memoryBackplane("epoch-b"))}, tried) the retry gets
   * new positions in B's epoch, not duplicates; the test below pins that behaviour.
   */
  @Test
  void onTheRedisBackplaneARowPublishedBeforeANodeRestartIsDeliveredOnce() throws Exception {
    String channel = freshChannel();
    TestDatabase.insertCommitted(CLIENT_TABLE, channel, "r1", "r2");
    List<Backplane.Appended> beforeRestart = new CopyOnWriteArrayList<>();
    RedisNode a = new RedisNode("epoch-a");
    publishThenDie(through(hubOn(a.backplane), beforeRestart), "r2", 2);
    a.stop();

    RedisNode b = new RedisNode("epoch-b");
    Hub hubB = hubOn(b.backplane);
    List<Backplane.Appended> afterRestart = new CopyOnWriteArrayList<>();
    OutboxWorker restarted = worker(newPool(), through(hubB, afterRestart), AfterPublish.DELETE);
    assertThat(result(restarted.batch())).isEqualTo(2);

    assertThat(beforeRestart).hasSize(2).noneMatch(Backplane.Appended::duplicate);
    assertThat(afterRestart).hasSize(2).allMatch(Backplane.Appended::duplicate);
    assertThat(afterRestart)
        .extracting(Backplane.Appended::position)
        .containsExactlyElementsOf(
            beforeRestart.stream().map(Backplane.Appended::position).toList());
    assertThat(rows("true")).isZero();
    Replay history =
        b.backplane
            .replay(channel, new Position(beforeRestart.get(0).position().epoch(), 0), 100)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(history.messages())
        .extracting(message -> message.frame().data().path("id").asText())
        .containsExactly("r1", "r2");
  }

  /**
   * The same restart on the in-memory backplane: the new process has forgotten the row ids, so the
   * retry is a new publish, in the new process' epoch, and each row is delivered a second time.
   */
  @Test
  void onTheMemoryBackplaneARowPublishedBeforeANodeRestartIsDeliveredAgain() throws Exception {
    String channel = freshChannel();
    TestDatabase.insertCommitted(CLIENT_TABLE, channel, "m1", "m2");
    List<Backplane.Appended> beforeRestart = new CopyOnWriteArrayList<>();
    publishThenDie(through(hubOn(memoryBackplane("epoch-a")), beforeRestart), "m2", 2);

    List<Backplane.Appended> afterRestart = new CopyOnWriteArrayList<>();
    OutboxWorker restarted =
        worker(
            newPool(),
            through(hubOn(memoryBackplane("epoch-b")), afterRestart),
            AfterPublish.DELETE);
    assertThat(result(restarted.batch())).isEqualTo(2);

    assertThat(beforeRestart).hasSize(2).noneMatch(Backplane.Appended::duplicate);
    assertThat(afterRestart).hasSize(2).noneMatch(Backplane.Appended::duplicate);
    assertThat(afterRestart)
        .extracting(appended -> appended.position().epoch())
        .containsOnly("epoch-b");
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
