package io.parley.server.backplane.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.Replay;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis backplane against the machine's Redis (127.0.0.1:6379), as two nodes would use it: two
 * Vert.x instances, each with its own client and backplane. Each test works under its own key
 * prefix and deletes only those keys.
 */
class RedisBackplaneIT {
  private static final String REDIS = "redis://127.0.0.1:6379";
  private static final String CHANNEL = "jobs:1";

  private final String prefix = "parley-test:" + UUID.randomUUID() + ":";
  private final AtomicInteger epochs = new AtomicInteger();
  private final List<Node> nodes = new ArrayList<>();

  /** One node: its Vert.x, client, backplane and what its listener received. */
  private final class Node {
    final Vertx vertx = Vertx.vertx();
    final Redis redis;
    final RedisBackplane backplane;
    final List<ChannelMessage> received = new CopyOnWriteArrayList<>();

    Node(String url, int historySize, Duration historyAge) {
      // As application.properties sets Quarkus' client: the default wait queue (24) is too short.
      redis =
          Redis.createClient(
              vertx,
              new RedisOptions()
                  .setConnectionString(url)
                  .setMaxPoolSize(16)
                  .setMaxPoolWaiting(4096));
      backplane =
          new RedisBackplane(
              vertx,
              redis,
              new RedisBackplane.Settings(
                  prefix,
                  historySize,
                  historyAge,
                  Duration.ofMinutes(10),
                  Duration.ofHours(1),
                  Duration.ofSeconds(2),
                  Duration.ofMillis(500)),
              () -> "epoch" + epochs.incrementAndGet(),
              new SplittableRandom(1));
      backplane.listen(received::add);
      nodes.add(this);
    }

    Backplane.Appended publish(String clientId, String publishId, int value) {
      return backplane
          .append(CHANNEL, clientId, publishId, "e", IntNode.valueOf(value), 1_000L)
          .toCompletableFuture()
          .join();
    }

    Replay replay(Position since, int limit) {
      return backplane.replay(CHANNEL, since, limit).toCompletableFuture().join();
    }

    List<Long> seqs() {
      return received.stream().map(ChannelMessage::seq).toList();
    }

    void stop() {
      backplane.close();
      redis.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private Node node() {
    Node node = new Node(REDIS, 1_000, Duration.ofMinutes(10));
    await().atMost(Duration.ofSeconds(10)).until(node.backplane::writable);
    return node;
  }

  @AfterEach
  void stopAndDeleteKeys() {
    nodes.forEach(Node::stop);
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, REDIS);
    try {
      String cursor = "0";
      do {
        Response page =
            redis
                .send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*"))
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        cursor = page.get(0).toString();
        for (Response key : page.get(1)) {
          redis
              .send(Request.cmd(Command.DEL).arg(key.toString()))
              .toCompletionStage()
              .toCompletableFuture()
              .join();
        }
      } while (!cursor.equals("0"));
    } finally {
      redis.close();
      vertx.close();
    }
  }

  @Test
  void concurrentPublishersOnTwoNodesGetOneGaplessSequence() {
    Node a = node();
    Node b = node();
    int each = 200;
    List<CompletableFuture<Backplane.Appended>> sent = new ArrayList<>();
    for (int i = 0; i < each; i++) {
      for (Node node : List.of(a, b)) {
        sent.add(
            node.backplane
                .append(CHANNEL, "c", node + "-" + i, "e", IntNode.valueOf(i), 1_000L)
                .toCompletableFuture());
      }
    }
    Set<Long> seqs = new HashSet<>();
    for (CompletableFuture<Backplane.Appended> one : sent) {
      seqs.add(one.join().position().seq());
    }

    List<Long> expected = java.util.stream.LongStream.rangeClosed(1, 2 * each).boxed().toList();
    assertThat(seqs).hasSize(2 * each).containsAll(expected);
    await().atMost(Duration.ofSeconds(10)).until(() -> a.received.size() >= 2 * each);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.received.size() >= 2 * each);
    assertThat(a.seqs()).isEqualTo(expected);
    assertThat(b.seqs()).isEqualTo(expected);
  }

  @Test
  void publishesMadeOneAfterAnotherOnOneThreadGetSeqsInThatOrder() {
    Node a = node();
    List<CompletableFuture<Backplane.Appended>> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sent.add(
          a.backplane
              .append(CHANNEL, "c", "p" + i, "e", IntNode.valueOf(i), 1_000L)
              .toCompletableFuture());
    }
    List<Long> seqs = sent.stream().map(f -> f.join().position().seq()).toList();

    assertThat(seqs).isEqualTo(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
  }

  @Test
  void replaysHistoryAndReportsWhatCountTrimmedAsAGap() {
    Node a = new Node(REDIS, 5, Duration.ofMinutes(10));
    await().atMost(Duration.ofSeconds(10)).until(a.backplane::writable);
    for (int i = 1; i <= 8; i++) {
      a.publish("c", "p" + i, i);
    }
    String epoch = a.replay(null, 10).position().epoch();

    Replay fromStart = a.replay(new Position(epoch, 0), 100);
    assertThat(fromStart.gap())
        .isEqualTo(new Replay.Gap(new Position(epoch, 0), new Position(epoch, 3)));
    assertThat(fromStart.messages())
        .extracting(ChannelMessage::seq)
        .containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(fromStart.messages().get(0).frame().data()).isEqualTo(IntNode.valueOf(4));

    Replay recent = a.replay(new Position(epoch, 6), 100);
    assertThat(recent.recovered()).isTrue();
    assertThat(recent.messages()).extracting(ChannelMessage::seq).containsExactly(7L, 8L);

    Replay cut = a.replay(new Position(epoch, 4), 2);
    assertThat(cut.truncated()).isTrue();
    assertThat(cut.position()).isEqualTo(new Position(epoch, 6));

    assertThat(a.replay(new Position(epoch, 9), 10).ahead()).isTrue();
    Replay otherEpoch = a.replay(new Position("gone", 7), 100);
    assertThat(otherEpoch.gap().to()).isEqualTo(new Position(epoch, 3));
  }

  @Test
  void historyOlderThanItsAgeIsNoLongerReplayed() {
    Node a = new Node(REDIS, 100, Duration.ofMillis(300));
    await().atMost(Duration.ofSeconds(10)).until(a.backplane::writable);
    a.publish("c", "p1", 1);
    String epoch = a.replay(null, 10).position().epoch();
    assertThat(a.replay(new Position(epoch, 0), 10).messages()).hasSize(1);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> a.replay(new Position(epoch, 0), 10).messages().isEmpty());
    Replay aged = a.replay(new Position(epoch, 0), 10);
    assertThat(aged.gap().to()).isEqualTo(new Position(epoch, 1));
    assertThat(aged.position()).isEqualTo(new Position(epoch, 1));
  }

  @Test
  void aRetryOnAnotherNodeIsRecognisedAndNotDeliveredAgain() {
    Node a = node();
    Node b = node();
    Backplane.Appended first = a.publish("client-1", "pub-1", 1);
    Backplane.Appended retry = b.publish("client-1", "pub-1", 1);
    Backplane.Appended other = b.publish("client-2", "pub-1", 2);

    assertThat(first.duplicate()).isFalse();
    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.position()).isEqualTo(first.position());
    assertThat(other.position().seq()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.received.size() >= 2);
    assertThat(b.seqs()).containsExactly(1L, 2L);
  }

  @Test
  void theEpochOutlivesABackplaneRestart() {
    Node a = node();
    a.publish("c", "p1", 1);
    Position before = a.replay(null, 10).position();
    a.stop();
    nodes.remove(a);

    Node again = node();
    assertThat(again.replay(null, 10).position()).isEqualTo(before);
    assertThat(again.publish("c", "p2", 2).position()).isEqualTo(new Position(before.epoch(), 2));
    assertThat(again.replay(before, 10).messages())
        .extracting(ChannelMessage::seq)
        .containsExactly(2L);
  }

  @Test
  void aChannelRedisHoldsNothingOfGetsOneEpochForEveryNode() {
    Node a = node();
    Node b = node();
    Position seenByA = a.replay(null, 10).position();
    Position seenByB = b.replay(null, 10).position();

    assertThat(seenByB).isEqualTo(seenByA).isEqualTo(new Position(seenByA.epoch(), 0));
    assertThat(b.publish("c", "p1", 1).position()).isEqualTo(new Position(seenByA.epoch(), 1));
  }

  @Test
  void heldReportsPositionAndHistory() {
    Node a = node();
    a.publish("c", "p1", 1);
    a.publish("c", "p2", 2);

    Backplane.Held held = a.backplane.held(CHANNEL).toCompletableFuture().join();
    assertThat(held.position().seq()).isEqualTo(2);
    assertThat(held.historyMessages()).isEqualTo(2);
    assertThat(held.lastMinute()).isEqualTo(2);
    assertThat(a.backplane.held("nothing-here").toCompletableFuture().join()).isNull();
    assertThat(a.backplane.held("jobs:", 10).toCompletableFuture().join())
        .extracting(Backplane.Held::channel)
        .containsExactly(CHANNEL);
  }

  @Test
  void whatPubSubLostWhileTheSubscriptionWasDownIsCaughtUpFromHistoryInOrder() {
    Node a = node();
    Node b = node();
    b.publish("c", "first", 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> a.received.size() == 1);

    // Kill A's subscription connection (found by its name; no other client is touched) and
    // publish on B until A has been seen without its subscription and back with it.
    Response clients =
        send(a.redis, Request.cmd(Command.CLIENT).arg("LIST").arg("TYPE").arg("pubsub"));
    String id =
        clients
            .toString()
            .lines()
            .filter(line -> line.contains(" name=" + a.backplane.subscriberName() + " "))
            .map(line -> line.substring(3, line.indexOf(' ')))
            .findFirst()
            .orElseThrow();
    send(a.redis, Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(id));
    boolean sawDown = false;
    int n = 1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      b.publish("c", "p" + n, n);
      n++;
      if (!a.backplane.writable()) {
        sawDown = true;
      } else if (sawDown) {
        break;
      }
    }
    b.publish("c", "last", n);
    int published = n + 1;

    assertThat(sawDown).as("A's subscription was seen down").isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.received.size() >= published);
    assertThat(a.seqs())
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, published).boxed().toList());
  }

  @Test
  void redisCutOffRefusesPublishesThenTheNodeComesBackAndCatchesUpOnWhatOthersPublished() {
    try (CuttableProxy proxy = new CuttableProxy(6379)) {
      Node cut = new Node("redis://127.0.0.1:" + proxy.port(), 1_000, Duration.ofMinutes(10));
      await().atMost(Duration.ofSeconds(10)).until(cut.backplane::writable);
      Node other = node();
      other.publish("c", "p1", 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> cut.received.size() == 1);

      proxy.cut();
      await().atMost(Duration.ofSeconds(5)).until(() -> !cut.backplane.writable());
      Refusal refused =
          Refusal.of(
              catchThrowable(
                  () ->
                      cut.backplane
                          .append(CHANNEL, "c", "while-cut", "e", IntNode.valueOf(0), 1L)
                          .toCompletableFuture()
                          .get(5, TimeUnit.SECONDS)));
      assertThat(refused.code()).isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
      other.publish("c", "p2", 2);
      other.publish("c", "p3", 3);

      proxy.restore();
      await().atMost(Duration.ofSeconds(10)).until(cut.backplane::writable);
      await().atMost(Duration.ofSeconds(10)).until(() -> cut.received.size() >= 3);
      assertThat(cut.seqs()).containsExactly(1L, 2L, 3L);
      assertThat(cut.publish("c", "after", 4).position().seq()).isEqualTo(4);
      await().atMost(Duration.ofSeconds(5)).until(() -> other.received.size() >= 4);
      assertThat(other.seqs()).containsExactly(1L, 2L, 3L, 4L);
    }
  }

  private static Response send(Redis redis, Request request) {
    return redis.send(request).toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void anUnreachableRedisRefusesPublishesAtOnceWithARetryableServerUnavailable()
      throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Node down = new Node("redis://127.0.0.1:" + closedPort, 100, Duration.ofMinutes(1));

    assertThat(down.backplane.writable()).isFalse();
    long started = System.nanoTime();
    Throwable failure =
        catchThrowable(
            () ->
                down.backplane
                    .append(CHANNEL, "c", "p1", "e", IntNode.valueOf(1), 1L)
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
    Refusal refusal = Refusal.of(failure);
    assertThat(refusal.code()).isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
    assertThat(refusal.code().retryable()).isTrue();
    assertThat(refusal.message()).contains("Redis backplane");
  }

  @Test
  void aBackplaneWithAnUnusableKeyPrefixIsRefusedNamingTheSetting() {
    Throwable failure =
        catchThrowable(
            () ->
                new RedisBackplane.Settings(
                    "a{b}",
                    10,
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1)));
    assertThat(failure).hasMessageContaining("realtime.redis.key-prefix");
    Throwable shortTtl =
        catchThrowable(
            () ->
                new RedisBackplane.Settings(
                    "p:",
                    10,
                    Duration.ofMinutes(10),
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1)));
    assertThat(shortTtl).hasMessageContaining("realtime.redis.channel-ttl");
  }
}
