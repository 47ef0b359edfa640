package io.parley.server.postgres;

import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.config.ServerWiring;
import io.parley.server.hub.Hub;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.Config;

/**
 * Thread-safe; its observers run on the main thread at startup and shutdown and never wait for the
 * database. Starts the outbox worker and the LISTEN/NOTIFY bridge when {@code realtime.postgres.*}
 * asks for them, and stops them at shutdown; an unreachable database is retried with backoff and
 * logged, and the node serves its clients meanwhile.
 *
 * <p>With neither feature on, the datasource is never looked up, so a node without database
 * settings starts and runs without a database.
 */
@Singleton
public class PostgresEvents {
  private static final System.Logger LOG = System.getLogger(PostgresEvents.class.getName());

  private OutboxWorker worker;
  private NotificationListener listener;
  private long sweepTimer = -1;

  void start(
      @Observes StartupEvent event,
      Vertx vertx,
      Hub hub,
      RealtimeConfig config,
      FrameCodec codec,
      Instance<Pool> pools,
      Config settings) {
    RealtimeConfig.Postgres postgres = config.postgres();
    RealtimeConfig.Postgres.Outbox outbox = postgres.outbox();
    List<String> listen = postgres.listen().orElse(List.of());
    if (!outbox.enabled() && listen.isEmpty()) {
      return;
    }
    BackoffPolicy backoff =
        BackoffPolicy.exponentialFullJitter(
            postgres.reconnectInitial(), postgres.reconnectMax(), ThreadLocalRandom.current());
    listener = new NotificationListener(vertx, connectOptions(settings), backoff);
    for (String pgChannel : listen) {
      ListenBridge bridge =
          new ListenBridge(
              new HubPublication(hub, "parley:listen"),
              codec.mapper(),
              () -> ServerWiring.randomId(12));
      listener.on(pgChannel, payload -> bridge.onNotification(pgChannel, payload), () -> {});
    }
    if (outbox.enabled()) {
      OutboxTable table = new OutboxTable(outbox.schema(), outbox.table());
      worker =
          new OutboxWorker(
              vertx,
              pools.get(),
              table,
              new HubPublication(hub, "parley:outbox:" + table.qualified()),
              outbox.batchSize(),
              outbox.afterPublish(),
              outbox.retention(),
              backoff,
              codec.mapper());
      OutboxWorker drainer = worker;
      listener.on(table.notifyChannel(), payload -> drainer.drain(), drainer::drain);
      if (outbox.createTable()) {
        createTable(vertx, table, 1, backoff);
      }
      sweepTimer =
          vertx.setPeriodic(
              outbox.sweep().toMillis(),
              id -> {
                drainer.drain();
                drainer
                    .prune()
                    .onFailure(
                        failure ->
                            LOG.log(
                                System.Logger.Level.WARNING,
                                "outbox " + table.qualified() + ": pruning failed: " + failure));
              });
    }
    listener.start();
    LOG.log(
        System.Logger.Level.INFO,
        "PostgreSQL events: outbox "
            + (outbox.enabled() ? outbox.schema() + "." + outbox.table() : "off")
            + ", listening on "
            + (listen.isEmpty() ? "nothing" : String.join(", ", listen)));
  }

  /** Runs the shipped migration, retrying with backoff until the database answers. */
  private void createTable(Vertx vertx, OutboxTable table, int attempt, BackoffPolicy backoff) {
    worker
        .createTable()
        .onSuccess(
            ignored -> {
              LOG.log(System.Logger.Level.INFO, "outbox " + table.qualified() + " is in place");
              worker.drain();
            })
        .onFailure(
            failure ->
                new Retries(vertx, backoff)
                    .after(
                        "outbox " + table.qualified() + ": creating the table",
                        attempt,
                        failure,
                        () -> createTable(vertx, table, attempt + 1, backoff)));
  }

  /** The listening connection's settings: those of Quarkus' reactive datasource. */
  private static PgConnectOptions connectOptions(Config settings) {
    String url =
        settings
            .getOptionalValue("quarkus.datasource.reactive.url", String.class)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "realtime.postgres.* is on but quarkus.datasource.reactive.url is not set;"
                            + " set it (postgresql://host:5432/database) or turn the feature off"));
    PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
    settings
        .getOptionalValue("quarkus.datasource.username", String.class)
        .ifPresent(options::setUser);
    settings
        .getOptionalValue("quarkus.datasource.password", String.class)
        .ifPresent(options::setPassword);
    return options;
  }

  void stop(@Observes ShutdownEvent event, Vertx vertx) {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (worker != null) {
      worker.stop();
    }
    if (listener != null) {
      listener.stop();
    }
  }
}
