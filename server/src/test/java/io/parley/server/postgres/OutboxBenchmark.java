package io.parley.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.ParleyOutbox;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures the outbox on this machine: rows per second from committed JDBC transactions to one
 * {@code /ws} subscriber, and commit-to-delivery latency. Not a test: it asserts only that every
 * row arrived exactly once, prints its figures, and runs only when asked for ({@code
 * -Dparley.bench=true}); its name matches neither {@code *Test} nor {@code *IT}, so {@code ./mvnw
 * verify} never runs it. docs/benchmarks.md, "PostgreSQL outbox", has the command and the figures.
 *
 * <p>The server, the inserting connection and the subscriber share one JVM (the {@link
 * PostgresProfile} test server); PostgreSQL runs on the same machine. Latency is measured from the
 * moment {@code commit()} is called to the moment the subscriber's WebSocket listener receives the
 * frame, both with {@link System#nanoTime()}.
 */
@QuarkusTest
@TestProfile(PostgresProfile.class)
@EnabledIfSystemProperty(named = "parley.bench", matches = "true")
class OutboxBenchmark {
  private static final ParleyOutbox.Table OUTBOX =
      ParleyOutbox.table(PostgresProfile.SCHEMA, PostgresProfile.TABLE);
  private static final FrameCodec CODEC = FrameCodec.create();
  private static final Duration DRAIN = Duration.ofSeconds(90);

  private static final int WARMUP_ROWS = Integer.getInteger("parley.bench.warmup", 5_000);
  private static final int THROUGHPUT_ROWS = Integer.getInteger("parley.bench.rows", 20_000);
  private static final int ROWS_PER_TRANSACTION = Integer.getInteger("parley.bench.tx-rows", 100);
  private static final int PACED_ROWS_PER_SECOND = Integer.getInteger("parley.bench.rate", 500);
  private static final int PACED_SECONDS = Integer.getInteger("parley.bench.seconds", 10);

  /** Paced phase: one transaction of this many rows every {@link #PACED_PERIOD_MS}. */
  private static final int PACED_PERIOD_MS = 20;

  @TestHTTPResource("/")
  URL base;

  @Test
  void measuresOutboxThroughputAndCommitToDeliveryLatency() throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              try (Connection db = TestDatabase.connect();
                  var result =
                      db.createStatement()
                          .executeQuery(
                              "SELECT to_regclass('"
                                  + OUTBOX.schema()
                                  + "."
                                  + OUTBOX.table()
                                  + "') IS NOT NULL")) {
                result.next();
                return result.getBoolean(1);
              }
            });
    String load = loadAverage();
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            Locale.ROOT,
            "outbox benchmark: %d CPUs, Java %s, batch-size (server) default,"
                + " load average before: %s%n",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            load));

    Phase warmup = fullSpeed("bench-warmup", WARMUP_ROWS);
    report.append(warmup.describe("warm-up (not counted)"));

    Phase throughput = fullSpeed("bench-full", THROUGHPUT_ROWS);
    report.append(throughput.describe("full speed"));

    Phase backlog = backlog("bench-backlog", THROUGHPUT_ROWS);
    report.append(backlog.describe("backlog, one commit"));

    Phase paced = paced("bench-paced", PACED_ROWS_PER_SECOND, PACED_SECONDS);
    report.append(paced.describe("paced at " + PACED_ROWS_PER_SECOND + " rows/s"));
    report.append("load average after: ").append(loadAverage()).append('\n');

    System.out.println(report);
    Path out = Path.of("target", "outbox-benchmark.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
  }

  /** One committed transaction after another, as fast as one JDBC connection goes. */
  private Phase fullSpeed(String channel, int rows) throws Exception {
    int transactions = (rows + ROWS_PER_TRANSACTION - 1) / ROWS_PER_TRANSACTION;
    Phase phase = new Phase(rows, ROWS_PER_TRANSACTION, transactions);
    try (Subscriber subscriber = Subscriber.subscribed(base, channel, phase);
        Connection db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      phase.started = System.nanoTime();
      for (int tx = 0; tx < transactions; tx++) {
        insertTransaction(db, channel, phase, tx);
      }
      phase.insertsDone = System.nanoTime();
      phase.awaitAll();
    }
    return phase;
  }

  /**
   * {@code rows} rows in one transaction, written by one statement, then one commit: the worker
   * finds a backlog and drains it batch after batch, so the delivery rate is the outbox's own and
   * not the inserting connection's. Latency here is only each row's place in the queue.
   */
  private Phase backlog(String channel, int rows) throws Exception {
    Phase phase = new Phase(rows, rows, 1);
    try (Subscriber subscriber = Subscriber.subscribed(base, channel, phase);
        Connection db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      try (var insert =
          db.prepareStatement(
              "INSERT INTO "
                  + OUTBOX.schema()
                  + "."
                  + OUTBOX.table()
                  + " (channel, event, data, id) SELECT ?, 'row', jsonb_build_object('i', g),"
                  + " ? || g FROM generate_series(0, ? - 1) g")) {
        insert.setString(1, channel);
        insert.setString(2, channel + "-");
        insert.setInt(3, rows);
        insert.executeUpdate();
      }
      phase.started = System.nanoTime();
      phase.commitCalled[0] = phase.started;
      db.commit();
      phase.commitReturned[0] = System.nanoTime();
      phase.insertsDone = phase.commitReturned[0];
      phase.awaitAll();
    }
    return phase;
  }

  /** One transaction every {@link #PACED_PERIOD_MS}, well below what the outbox can take. */
  private Phase paced(String channel, int rowsPerSecond, int seconds) throws Exception {
    int transactions = seconds * 1000 / PACED_PERIOD_MS;
    int perTransaction = Math.max(1, rowsPerSecond * PACED_PERIOD_MS / 1000);
    Phase phase = new Phase(transactions * perTransaction, perTransaction, transactions);
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try (Subscriber subscriber = Subscriber.subscribed(base, channel, phase);
        Connection db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      AtomicInteger next = new AtomicInteger();
      phase.started = System.nanoTime();
      ScheduledFuture<?> ticks =
          pacer.scheduleAtFixedRate(
              () -> {
                int tx = next.getAndIncrement();
                if (tx >= transactions) {
                  return;
                }
                try {
                  insertTransaction(db, channel, phase, tx);
                } catch (SQLException e) {
                  phase.failure = e;
                }
              },
              0,
              PACED_PERIOD_MS,
              TimeUnit.MILLISECONDS);
      await()
          .atMost(Duration.ofSeconds(seconds * 3L))
          .until(() -> phase.failure != null || phase.committed.get() == transactions);
      ticks.cancel(false);
      assertThat(phase.failure).isNull();
      phase.insertsDone = System.nanoTime();
      phase.awaitAll();
    } finally {
      pacer.shutdownNow();
    }
    return phase;
  }

  private static void insertTransaction(Connection db, String channel, Phase phase, int tx)
      throws SQLException {
    int first = tx * phase.perTransaction;
    int end = Math.min(phase.rows, first + phase.perTransaction);
    for (int i = first; i < end; i++) {
      OUTBOX.insert(db, channel, "row", "{\"i\":" + i + "}", channel + "-" + i);
    }
    phase.commitCalled[tx] = System.nanoTime();
    db.commit();
    phase.commitReturned[tx] = System.nanoTime();
    phase.committed.incrementAndGet();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** What one phase committed and what its subscriber received, with {@code nanoTime} stamps. */
  private static final class Phase {
    final int rows;
    final int perTransaction;
    final long[] commitCalled;
    final long[] commitReturned;
    final long[] arrived;
    final AtomicInteger committed = new AtomicInteger();
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger duplicated = new AtomicInteger();
    volatile long started;
    volatile long insertsDone;
    volatile Exception failure;

    Phase(int rows, int perTransaction, int transactions) {
      this.rows = rows;
      this.perTransaction = perTransaction;
      this.commitCalled = new long[transactions];
      this.commitReturned = new long[transactions];
      this.arrived = new long[rows];
    }

    /** On the subscriber's listener thread, one frame at a time. */
    void received(int i, long now) {
      if (i < 0 || i >= rows || arrived[i] != 0) {
        duplicated.incrementAndGet();
        return;
      }
      arrived[i] = now;
      // The increment publishes arrived[i] to the thread that reads delivered.
      delivered.incrementAndGet();
    }

    void awaitAll() {
      await().atMost(DRAIN).until(() -> delivered.get() >= rows || duplicated.get() > 0);
      assertThat(duplicated.get()).as("duplicated or unknown rows").isZero();
      assertThat(delivered.get()).as("rows delivered").isEqualTo(rows);
    }

    String describe(String name) {
      long lastArrival = Arrays.stream(arrived).max().orElseThrow();
      double insertSeconds = (insertsDone - started) / 1e9;
      double deliverySeconds = (lastArrival - started) / 1e9;
      long[] latency = new long[rows];
      for (int i = 0; i < rows; i++) {
        latency[i] = arrived[i] - commitCalled[i / perTransaction];
      }
      Arrays.sort(latency);
      long[] commit = new long[commitCalled.length];
      for (int tx = 0; tx < commit.length; tx++) {
        commit[tx] = commitReturned[tx] - commitCalled[tx];
      }
      Arrays.sort(commit);
      return String.format(
          Locale.ROOT,
          "%-22s rows %6d in %4d tx: committed %8s rows/s, delivered %8.0f rows/s"
              + " (first commit to last delivery %.2f s); commit-to-delivery p50 %.2f ms,"
              + " p99 %.2f ms, max %.2f ms; commit() call p50 %.2f ms; lost 0, duplicated %d%n",
          name,
          rows,
          commitCalled.length,
          commitCalled.length == 1 ? "-" : String.format(Locale.ROOT, "%.0f", rows / insertSeconds),
          rows / deliverySeconds,
          deliverySeconds,
          percentile(latency, 0.50) / 1e6,
          percentile(latency, 0.99) / 1e6,
          latency[latency.length - 1] / 1e6,
          percentile(commit, 0.50) / 1e6,
          duplicated.get());
    }

    /** Nearest rank. */
    private static long percentile(long[] sorted, double p) {
      int rank = (int) Math.ceil(p * sorted.length);
      return sorted[Math.max(0, rank - 1)];
    }
  }

  /**
   * A {@code /ws} subscriber that stamps each message on arrival, in its WebSocket listener, before
   * anything else waits for it; other frames go to a queue for the handshake.
   */
  private static final class Subscriber implements WebSocket.Listener, AutoCloseable {
    private final Phase phase;
    private final BlockingQueue<ServerFrame> control = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private Subscriber(Phase phase) {
      this.phase = phase;
    }

    static Subscriber subscribed(URL base, String channel, Phase phase) throws Exception {
      Subscriber subscriber = new Subscriber(phase);
      URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + "ws");
      subscriber.socket =
          HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, subscriber).join();
      subscriber.send(new ClientFrame.Hello(null, "bench-" + channel));
      subscriber.expect(ServerFrame.Welcome.class);
      subscriber.send(new ClientFrame.Subscribe("sub", channel, null));
      subscriber.expect(ServerFrame.Subscribed.class);
      return subscriber;
    }

    private void send(ClientFrame frame) {
      socket.sendText(CODEC.encode(frame), true).join();
    }

    private void expect(Class<? extends ServerFrame> type) throws InterruptedException {
      ServerFrame frame = control.poll(10, TimeUnit.SECONDS);
      assertThat(frame).isInstanceOf(type);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      long now = System.nanoTime();
      partial.append(data);
      if (last) {
        ServerFrame frame = CODEC.decodeServer(partial.toString());
        partial.setLength(0);
        if (frame instanceof ServerFrame.Message message) {
          phase.received(message.data().path("i").asInt(-1), now);
        } else if (frame instanceof ServerFrame.Ping ping) {
          webSocket.sendText(CODEC.encode(new ClientFrame.Pong(ping.ts())), true);
        } else {
          control.add(frame);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
