package io.parley.server.postgres;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.ParleyOutbox;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.SocketIoTestClients;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.socket.client.Socket;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.json.JSONObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend's transaction to a subscriber's screen: rows inserted with the client jar's {@link
 * ParleyOutbox} in JDBC transactions, and {@code NOTIFY}s on the bridge's channel, delivered by a
 * running server over {@code /ws}, the HTTP long-poll and Socket.IO.
 */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class PostgresEventsIT {
  private static final ParleyOutbox.Table OUTBOX =
      ParleyOutbox.table(PostgresProfile.SCHEMA, PostgresProfile.TABLE);
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  @TestHTTPResource("/")
  URL base;

  @BeforeEach
  void awaitTheServersTable() {
    // The server creates the table at startup, in the background.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                scalar("SELECT to_regclass('" + OUTBOX.schema() + ".parley_outbox') IS NOT NULL"));
  }

  private static boolean scalar(String sql) throws Exception {
    try (Connection db = TestDatabase.connect();
        Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getBoolean(1);
    }
  }

  private static String freshChannel() {
    return "pg-it:" + CHANNELS.incrementAndGet();
  }

  private WsTestClient subscribed(String channel) {
    WsTestClient client = WsTestClient.greeted(base.toString(), "pg-it-" + channel);
    client.send(new ClientFrame.Subscribe("sub", channel, null));
    client.expect(ServerFrame.Subscribed.class);
    return client;
  }

  private static void insert(String channel, String event, String id) throws Exception {
    try (Connection db = TestDatabase.connect()) {
      db.setAutoCommit(false);
      OUTBOX.insert(db, channel, event, "{\"id\":\"" + id + "\"}", id);
      db.commit();
    }
  }

  private static void notify(String payload) throws Exception {
    try (Connection db = TestDatabase.connect();
        PreparedStatement notify = db.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, PostgresProfile.BRIDGE_CHANNEL);
      notify.setString(2, payload);
      notify.execute();
    }
  }

  private static String bridged(String channel, String event) {
    return "{\"channel\":\"" + channel + "\",\"event\":\"" + event + "\",\"data\":{\"n\":1}}";
  }

  @Test
  void aCommittedInsertIsDeliveredOnceOverWebSocketAndLongPoll() throws Exception {
    String channel = freshChannel();
    try (WsTestClient client = subscribed(channel)) {
      insert(channel, "shipped", "order-1");
      ServerFrame.Message first = client.expect(ServerFrame.Message.class);
      assertThat(first.event()).isEqualTo("shipped");
      assertThat(first.data().path("id").asText()).isEqualTo("order-1");

      CompletableFuture<JsonPath> poll =
          CompletableFuture.supplyAsync(
              () ->
                  given()
                      .contentType("application/json")
                      .body(
                          "{\"clientId\":\"poller\",\"subscriptions\":{\""
                              + channel
                              + "\":{\"epoch\":\""
                              + first.epoch()
                              + "\",\"seq\":"
                              + first.seq()
                              + "}},\"waitMs\":20000}")
                      .post("/realtime/poll")
                      .then()
                      .statusCode(200)
                      .extract()
                      .jsonPath());
      insert(channel, "delivered", "order-2");

      ServerFrame.Message second = client.expect(ServerFrame.Message.class);
      assertThat(second.event()).isEqualTo("delivered");
      assertThat(second.seq()).isEqualTo(first.seq() + 1);
      JsonPath polled = poll.get(15, TimeUnit.SECONDS);
      assertThat(polled.getList("messages.event", String.class)).containsExactly("delivered");
      assertThat(polled.getList("messages.seq", Long.class)).containsExactly(first.seq() + 1);
    }
  }

  @Test
  void aCommittedInsertIsDeliveredOnceToASocketIoSubscriber() throws Exception {
    String channel = freshChannel();
    BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    try (SocketIoTestClients clients = new SocketIoTestClients(base)) {
      Socket socket =
          clients.connected(null, "websocket", s -> s.on("message", args -> messages.add(args[0])));
      JSONObject subscribed =
          SocketIoTestClients.call(socket, "subscribe", new JSONObject().put("channel", channel));
      assertThat(subscribed.getString("channel")).isEqualTo(channel);
      long position = subscribed.getJSONObject("position").getLong("seq");

      insert(channel, "shipped", "sio-1");
      JSONObject first = (JSONObject) SocketIoTestClients.take(messages);
      // The next insert is the next message: the first row was not delivered twice in between.
      insert(channel, "delivered", "sio-2");
      JSONObject second = (JSONObject) SocketIoTestClients.take(messages);

      assertThat(first.getString("channel")).isEqualTo(channel);
      assertThat(first.getString("event")).isEqualTo("shipped");
      assertThat(first.getLong("seq")).isEqualTo(position + 1);
      assertThat(first.getJSONObject("data").getString("id")).isEqualTo("sio-1");
      assertThat(second.getString("event")).isEqualTo("delivered");
      assertThat(second.getLong("seq")).isEqualTo(position + 2);
    }
  }

  @Test
  void aRolledBackInsertPublishesNothing() throws Exception {
    String channel = freshChannel();
    try (WsTestClient client = subscribed(channel)) {
      try (Connection db = TestDatabase.connect()) {
        db.setAutoCommit(false);
        OUTBOX.insert(db, channel, "ghost", null, "ghost-1");
        db.rollback();
      }
      insert(channel, "real", "real-1");

      assertThat(client.expect(ServerFrame.Message.class).event()).isEqualTo("real");
    }
  }

  @Test
  void aRowWhoseNotificationWasMissedIsDeliveredByTheSweep() throws Exception {
    String channel = freshChannel();
    try (WsTestClient client = subscribed(channel)) {
      try (Connection db = TestDatabase.connect()) {
        db.setAutoCommit(false);
        try (Statement statement = db.createStatement()) {
          // Replica mode fires no ordinary trigger: the row commits without a NOTIFY.
          statement.execute("SET LOCAL session_replication_role = replica");
        }
        OUTBOX.insert(db, channel, "swept", null, "swept-1");
        db.commit();
      }

      ServerFrame.Message message = client.expect(ServerFrame.Message.class);
      assertThat(message.event()).isEqualTo("swept");
    }
  }

  @Test
  void aBadBridgePayloadIsLoggedAndNothingIsPublishedAndTheBridgeGoesOn() throws Exception {
    String channel = freshChannel();
    List<LogRecord> errors = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
              errors.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger(ListenBridge.class.getName());
    logger.addHandler(capture);
    try (WsTestClient client = subscribed(channel)) {
      notify("not json");
      notify("{\"channel\":\"" + channel + "\",\"data\":1}");
      notify(bridged(channel, "valid"));

      ServerFrame.Message message = client.expect(ServerFrame.Message.class);
      assertThat(message.event()).isEqualTo("valid");
      assertThat(message.data().path("n").asInt()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> errors.size() >= 2);
      assertThat(errors.get(0).getMessage())
          .contains(PostgresProfile.BRIDGE_CHANNEL, "not JSON", "not json");
      assertThat(errors.get(1).getMessage()).contains(PostgresProfile.BRIDGE_CHANNEL, "event");
    } finally {
      logger.removeHandler(capture);
    }
  }

  @Test
  void aLostListeningConnectionIsReconnectedAndBothPathsGoOn() throws Exception {
    String channel = freshChannel();
    try (WsTestClient client = subscribed(channel)) {
      try (Connection db = TestDatabase.connect();
          Statement statement = db.createStatement()) {
        statement.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE query ILIKE 'LISTEN%"
                + PostgresProfile.BRIDGE_CHANNEL
                + "%' AND datname = current_database()");
      }
      // At most once: notifications sent while the bridge reconnects are lost, so keep sending
      // until one arrives.
      AtomicInteger attempt = new AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                notify(bridged(channel, "after-" + attempt.incrementAndGet()));
                return scalar(
                    "SELECT count(*) > 0 FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'");
              });
      ServerFrame.Message bridged = client.expect(ServerFrame.Message.class);
      assertThat(bridged.event()).startsWith("after-");

      insert(channel, "outboxed", "after-reconnect");
      client.awaitFrame(ServerFrame.Message.class, m -> m.event().equals("outboxed"));
    }
  }
}
