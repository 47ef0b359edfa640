package io.parley.server.hub;

import static io.parley.server.hub.RefusalAssertions.refusalOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.time.FakeTicker;
import io.parley.server.auth.ChannelPatterns;
import io.parley.server.auth.Identity;
import io.parley.server.backplane.memory.MemoryBackplane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class HubTest {
  private static final String CHANNEL = "jobs:1";
  private static final ChannelPatterns ALL = ChannelPatterns.of(List.of("*"));
  private static final Identity EVERYTHING = Identity.anonymous(ALL, ALL, true);

  private final FakeTicker ticker = new FakeTicker();
  private final AtomicInteger epochs = new AtomicInteger();
  private final AtomicInteger sessionIds = new AtomicInteger();
  private MemoryBackplane backplane = backplane(1_000);
  private Hub hub = hub(backplane, 100);

  private MemoryBackplane backplane(int historySize) {
    return new MemoryBackplane(
        historySize,
        Duration.ofMinutes(10),
        Duration.ofMinutes(10),
        10_000,
        ticker,
        () -> "e" + epochs.incrementAndGet());
  }

  private Hub hub(MemoryBackplane backplane, int maxPending) {
    return new Hub(backplane, () -> "s" + sessionIds.incrementAndGet(), () -> 1_000L, maxPending);
  }

  private void publish(int count) {
    for (int i = 0; i < count; i++) {
      hub.publish(
          EVERYTHING, "pub", "id-" + System.nanoTime() + "-" + i, CHANNEL, "e", IntNode.valueOf(i));
    }
  }

  private Position current() {
    Map<String, Position> live = new HashMap<>();
    live.put(CHANNEL, null);
    return hub.read(EVERYTHING, live, 1)
        .toCompletableFuture()
        .join()
        .replays()
        .get(CHANNEL)
        .position();
  }

  @Test
  void subscriberReceivesMessagesInSeqOrder() {
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c1", EVERYTHING);
    hub.subscribe(session, "r1", CHANNEL, null);
    publish(5);

    assertThat(sink.framesOf(ServerFrame.Subscribed.class))
        .singleElement()
        .satisfies(s -> assertThat(s.position().seq()).isZero());
    assertThat(sink.seqs(CHANNEL)).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void resumingSubscriberGetsExactlyTheMissedMessagesThenLiveOnes() {
    publish(3);
    Position seen = current().withSeq(1);
    RecordingSink sink = new RecordingSink();
    hub.subscribe(hub.open(sink, "c1", EVERYTHING), "r1", CHANNEL, seen);
    publish(2);

    ServerFrame.Subscribed subscribed = sink.framesOf(ServerFrame.Subscribed.class).get(0);
    assertThat(subscribed.recovered()).isTrue();
    assertThat(subscribed.position().seq()).isEqualTo(3);
    assertThat(sink.seqs(CHANNEL)).containsExactly(2L, 3L, 4L, 5L);
    assertThat(sink.frames().get(0)).isInstanceOf(ServerFrame.Subscribed.class);
  }

  @Test
  void replayAndLiveMeetWithoutGapOrDuplicateUnderConcurrentPublishers() throws Exception {
    backplane = backplane(10_000);
    // Room for every message while a replay is read: this test is about the seam, and on a busy
    // machine more than 100 can arrive in that window (slow consumers have their own test).
    hub = hub(backplane, 10_000);
    int publishers = 4;
    int perPublisher = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        int publisher = p;
        running.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perPublisher; i++) {
                    hub.publish(
                        EVERYTHING, "p" + publisher, "m" + i, CHANNEL, "e", IntNode.valueOf(i));
                  }
                  return null;
                }));
      }
      start.countDown();
      // Subscribers join at different moments while the publishers run.
      List<RecordingSink> sinks = new ArrayList<>();
      for (int s = 0; s < 20; s++) {
        RecordingSink sink = new RecordingSink();
        sinks.add(sink);
        Position since = s % 2 == 0 ? current().withSeq(0) : null;
        hub.subscribe(hub.open(sink, "c" + s, EVERYTHING), "r", CHANNEL, since);
      }
      for (Future<?> future : running) {
        future.get(30, TimeUnit.SECONDS);
      }
      long total = (long) publishers * perPublisher;
      for (RecordingSink sink : sinks) {
        List<Long> seqs = sink.seqs(CHANNEL);
        long first = seqs.isEmpty() ? total + 1 : seqs.get(0);
        assertThat(seqs)
            .containsExactlyElementsOf(LongStream.rangeClosed(first, total).boxed().toList());
      }
      // Those that resumed from seq 0 saw everything.
      assertThat(sinks.get(0).seqs(CHANNEL)).hasSize((int) total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void historyKeepsOnlyTheConfiguredCountAndSignalsTheGap() {
    backplane = backplane(5);
    hub = hub(backplane, 100);
    publish(10);
    RecordingSink sink = new RecordingSink();
    hub.subscribe(hub.open(sink, "c1", EVERYTHING), "r1", CHANNEL, current().withSeq(2));

    ServerFrame.Gap gap = sink.framesOf(ServerFrame.Gap.class).get(0);
    assertThat(gap.from().seq()).isEqualTo(2);
    assertThat(gap.to().seq()).isEqualTo(5);
    assertThat(sink.framesOf(ServerFrame.Subscribed.class).get(0).recovered()).isFalse();
    assertThat(sink.seqs(CHANNEL)).containsExactly(6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void historyDropsMessagesOlderThanMaxAge() {
    publish(3);
    ticker.advance(Duration.ofMinutes(10).plusMillis(1));
    publish(1);
    RecordingSink sink = new RecordingSink();
    hub.subscribe(hub.open(sink, "c1", EVERYTHING), "r1", CHANNEL, current().withSeq(1));

    ServerFrame.Gap gap = sink.framesOf(ServerFrame.Gap.class).get(0);
    assertThat(gap.to().seq()).isEqualTo(3);
    assertThat(sink.seqs(CHANNEL)).containsExactly(4L);
  }

  @Test
  void positionFromAnotherEpochIsReportedAsGapThenEverythingRetainedIsReplayed() {
    publish(2);
    RecordingSink sink = new RecordingSink();
    hub.subscribe(hub.open(sink, "c1", EVERYTHING), "r1", CHANNEL, new Position("lost-epoch", 7));

    ServerFrame.Gap gap = sink.framesOf(ServerFrame.Gap.class).get(0);
    assertThat(gap.from()).isEqualTo(new Position("lost-epoch", 7));
    assertThat(gap.to()).isEqualTo(current().withSeq(0));
    assertThat(sink.seqs(CHANNEL)).containsExactly(1L, 2L);
  }

  @Test
  void positionAheadOfTheChannelIsRefused() {
    publish(2);
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c1", EVERYTHING);
    Refusal error = refusalOf(hub.subscribe(session, "r1", CHANNEL, current().withSeq(9)));

    assertThat(error.code()).isEqualTo(ErrorCode.POSITION_AHEAD);
    assertThat(error.field()).isEqualTo("since");
    assertThat(session.channels()).doesNotContain(CHANNEL);
  }

  @Test
  void subscribingTwiceIsRefusedAndTheFirstSubscriptionStays() {
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c1", EVERYTHING);
    hub.subscribe(session, "r1", CHANNEL, null);
    Refusal error = refusalOf(hub.subscribe(session, "r2", CHANNEL, null));
    publish(1);

    assertThat(error.code()).isEqualTo(ErrorCode.ALREADY_SUBSCRIBED);
    assertThat(sink.seqs(CHANNEL)).containsExactly(1L);
  }

  @Test
  void retriedPublishIsAckedWithTheOriginalSeqAndDeliveredOnce() {
    RecordingSink sink = new RecordingSink();
    hub.subscribe(hub.open(sink, "c1", EVERYTHING), "r1", CHANNEL, null);
    Backplane.Appended first =
        hub.publish(EVERYTHING, "c9", "p-1", CHANNEL, "e", IntNode.valueOf(1))
            .toCompletableFuture()
            .join();
    Backplane.Appended retry =
        hub.publish(EVERYTHING, "c9", "p-1", CHANNEL, "e", IntNode.valueOf(1))
            .toCompletableFuture()
            .join();
    Backplane.Appended otherClient =
        hub.publish(EVERYTHING, "c8", "p-1", CHANNEL, "e", IntNode.valueOf(1))
            .toCompletableFuture()
            .join();

    assertThat(retry.position()).isEqualTo(first.position());
    assertThat(retry.duplicate()).isTrue();
    assertThat(otherClient.position().seq()).isEqualTo(2);
    assertThat(sink.seqs(CHANNEL)).containsExactly(1L, 2L);
  }

  @Test
  void publishIdIsForgottenAfterTheWindow() {
    hub.publish(EVERYTHING, "c9", "p-1", CHANNEL, "e", IntNode.valueOf(1));
    ticker.advance(Duration.ofMinutes(11));
    Backplane.Appended again =
        hub.publish(EVERYTHING, "c9", "p-1", CHANNEL, "e", IntNode.valueOf(1))
            .toCompletableFuture()
            .join();
    assertThat(again.duplicate()).isFalse();
    assertThat(again.position().seq()).isEqualTo(2);
  }

  @Test
  void everySessionIsInItsOwnChannelItsUsersChannelAndTheBroadcastChannel() {
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c1", alice());
    hub.publish(EVERYTHING, "backend", "1", "session:" + session.id(), "e", IntNode.valueOf(1));
    hub.publish(EVERYTHING, "backend", "2", "user:alice", "e", IntNode.valueOf(2));

    hub.broadcast("notice", IntNode.valueOf(3));

    assertThat(session.channels())
        .containsExactlyInAnyOrder("session:s1", "user:alice", ChannelName.BROADCAST);
    assertThat(sink.seqs("session:s1")).containsExactly(1L);
    assertThat(sink.seqs("user:alice")).containsExactly(1L);
    assertThat(sink.seqs(ChannelName.BROADCAST)).containsExactly(1L);
    assertThat(sink.framesOf(ServerFrame.Subscribed.class)).isEmpty();
  }

  @Test
  void sessionChannelIsJoinedOnItsFirstMessageAndGetsEveryMessage() {
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c1", alice());
    assertThat(session.channels()).containsExactlyInAnyOrder("user:alice", ChannelName.BROADCAST);

    for (int i = 1; i <= 3; i++) {
      hub.publish(EVERYTHING, "backend", "p" + i, "session:s1", "e", IntNode.valueOf(i));
    }

    assertThat(session.channels())
        .containsExactlyInAnyOrder("session:s1", "user:alice", ChannelName.BROADCAST);
    assertThat(sink.seqs("session:s1")).containsExactly(1L, 2L, 3L);
    assertThat(sink.framesOf(ServerFrame.Subscribed.class)).isEmpty();
    assertThat(sink.framesOf(ServerFrame.Gap.class)).isEmpty();
  }

  @Test
  void messageForAClosedSessionJoinsNothing() {
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c1", alice());
    hub.close(session);

    hub.publish(EVERYTHING, "backend", "p", "session:s1", "e", IntNode.valueOf(1));

    assertThat(session.channels()).isEmpty();
    assertThat(sink.seqs("session:s1")).isEmpty();
    assertThat(hub.subscriberCount("session:s1")).isZero();
  }

  @Test
  void clientCannotUnsubscribeFromItsSessionChannel() {
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c1", alice());
    hub.publish(EVERYTHING, "backend", "p", "session:s1", "e", IntNode.valueOf(1));

    Refusal error = refusalOf(hub.unsubscribe(session, "r1", "session:s1"));

    assertThat(error.code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(error.field()).isEqualTo("channel");
    hub.publish(EVERYTHING, "backend", "q", "session:s1", "e", IntNode.valueOf(2));
    assertThat(sink.seqs("session:s1")).containsExactly(1L, 2L);
  }

  @Test
  void clientCannotSubscribeToASessionChannel() {
    RecordingSink sink = new RecordingSink();
    assertThat(
            refusalOf(
                    hub.subscribe(
                        hub.open(sink, "c1", EVERYTHING), "r1", "session:someone-else", null))
                .code())
        .isEqualTo(ErrorCode.CHANNEL_RESERVED);
  }

  @Test
  void slowConsumerIsDisconnectedWithoutSlowingOthers() {
    RecordingSink slow = new RecordingSink(3);
    RecordingSink fast = new RecordingSink();
    Session slowSession = hub.open(slow, "slow", EVERYTHING);
    hub.subscribe(slowSession, "r1", CHANNEL, null);
    hub.subscribe(hub.open(fast, "fast", EVERYTHING), "r1", CHANNEL, null);
    publish(10);

    assertThat(slow.closeReason().code()).isEqualTo(ErrorCode.SLOW_CONSUMER);
    assertThat(slowSession.isClosed()).isTrue();
    assertThat(fast.seqs(CHANNEL)).hasSize(10);
  }

  @Test
  void unsubscribeStopsDeliveryAndUnknownChannelIsAnError() {
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c1", EVERYTHING);
    hub.subscribe(session, "r1", CHANNEL, null);
    publish(1);
    hub.unsubscribe(session, "r2", CHANNEL);
    publish(1);
    Refusal error = refusalOf(hub.unsubscribe(session, "r3", CHANNEL));

    assertThat(sink.seqs(CHANNEL)).containsExactly(1L);
    assertThat(sink.framesOf(ServerFrame.Unsubscribed.class)).hasSize(1);
    assertThat(error.code()).isEqualTo(ErrorCode.NOT_SUBSCRIBED);
    assertThat(hub.subscriberCount(CHANNEL)).isZero();
  }

  @Test
  void eachMessageIsEncodedOnceForAllSubscribers() {
    AtomicInteger encodings = new AtomicInteger();
    Encoding<String> counting =
        Encoding.of(
            "counting",
            m -> {
              encodings.incrementAndGet();
              return "x";
            });
    List<ChannelMessage> seen = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Session session =
          hub.open(
              new RecordingSink() {
                @Override
                public synchronized boolean sendMessage(ChannelMessage message) {
                  message.encoded(counting);
                  seen.add(message);
                  return true;
                }
              },
              "c" + i,
              EVERYTHING);
      hub.subscribe(session, "r", CHANNEL, null);
    }
    publish(1);
    assertThat(seen).hasSize(50);
    assertThat(encodings).hasValue(1);
  }

  @Test
  void closedSessionLeavesAllItsChannels() {
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c1", subject("bob"));
    hub.subscribe(session, "r1", CHANNEL, null);
    hub.close(session);
    publish(1);

    assertThat(sink.seqs(CHANNEL)).isEmpty();
    assertThat(hub.subscriberCount(CHANNEL)).isZero();
    assertThat(hub.subscriberCount("user:bob")).isZero();
    assertThat(hub.sessionCount()).isZero();
  }

  @Test
  void sessionsClosedWhileTheyJoinLeaveNoSubscriberBehind() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    ExecutorService closers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        running.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    Session session = hub.open(new RecordingSink(), "c", EVERYTHING);
                    Future<?> closing = closers.submit(() -> hub.close(session));
                    hub.subscribe(session, "r", CHANNEL, null);
                    hub.unsubscribe(session, "u", CHANNEL);
                    hub.subscribe(session, "r2", CHANNEL, null);
                    closing.get();
                    hub.close(session);
                  }
                  return null;
                }));
      }
      for (Future<?> future : running) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      closers.shutdownNow();
    }
    assertThat(hub.subscriberCount(CHANNEL)).isZero();
    assertThat(hub.sessionCount()).isZero();
  }

  @Test
  void waiterFiresOnceOnTheFirstMessage() {
    AtomicInteger fired = new AtomicInteger();
    Runnable cancel = hub.awaitMessage(List.of(CHANNEL, "other"), fired::incrementAndGet);
    publish(3);
    cancel.run();
    publish(1);
    assertThat(fired).hasValue(1);
  }

  @Test
  void expiryDropsUnusedChannelsSoTheirNextUseStartsANewEpoch() {
    publish(1);
    String before = current().epoch();
    ticker.advance(Duration.ofMinutes(11));
    hub.expire();
    assertThat(backplane.channelCount()).isZero();
    assertThat(current().epoch()).isNotEqualTo(before);
  }

  @Test
  void aStatelessReadChecksTheReadersRightsOnEveryChannelBeforeReadingAny() {
    publish(1);
    Identity jobsOnly =
        new Identity(
            "r", ChannelPatterns.of(List.of("jobs:*")), ChannelPatterns.none(), false, false, 0);
    Map<String, Position> since = new LinkedHashMap<>();
    since.put(CHANNEL, new Position("lost-epoch", 1));
    since.put("chat:1", null);

    Refusal refused = refusalOf(hub.read(jobsOnly, since, 0));

    assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(refused.field()).isEqualTo("chat:1");
  }

  @Test
  void aStatelessReadRefusesAPositionAheadNamingItsSeq() {
    publish(2);
    Map<String, Position> since = new LinkedHashMap<>();
    since.put(CHANNEL, current().withSeq(9));

    Refusal refused = refusalOf(hub.read(EVERYTHING, since, 10));

    assertThat(refused.code()).isEqualTo(ErrorCode.POSITION_AHEAD);
    assertThat(refused.field()).isEqualTo(CHANNEL + ".seq");
  }

  @Test
  void aStatelessReadSharesItsLimitAndLeavesOutChannelsWithoutRoom() {
    Position start = current();
    publish(3);
    Map<String, Position> since = new LinkedHashMap<>();
    since.put(CHANNEL, start);
    since.put("jobs:2", null);

    Reads reads = hub.read(EVERYTHING, since, 2).toCompletableFuture().join();

    assertThat(reads.replays()).containsOnlyKeys(CHANNEL);
    assertThat(reads.replays().get(CHANNEL).messages()).hasSize(2);
    assertThat(reads.replays().get(CHANNEL).truncated()).isTrue();
  }

  private static Identity subject(String subject) {
    return new Identity(subject, ALL, ALL, true, false, Long.MAX_VALUE);
  }

  @Test
  void disconnectingASubjectClosesEachOfItsSessionsWithTheReasonAndRefusesItsNextRead() {
    RecordingSink first = new RecordingSink();
    RecordingSink second = new RecordingSink();
    RecordingSink other = new RecordingSink();
    hub.open(first, "c1", alice());
    hub.open(second, "c2", alice());
    hub.open(other, "c3", subject("bob"));
    Refusal reason = Refusal.of(ErrorCode.DISCONNECTED_NO_RECONNECT, "banned", null);

    assertThat(hub.disconnectSubject("alice", reason, 2_000L)).isEqualTo(2);

    assertThat(first.closeReason()).isEqualTo(reason);
    assertThat(second.closeReason()).isEqualTo(reason);
    assertThat(other.closeReason()).isNull();
    Map<String, Position> live = new HashMap<>();
    live.put(CHANNEL, null);
    // Told not to come back: refused on every read until the window (2,000 ms; the clock says
    // 1,000) ends.
    for (int i = 0; i < 2; i++) {
      assertThat(RefusalAssertions.refusalOf(hub.read(alice(), live, 10))).isEqualTo(reason);
    }
    assertThat(hub.read(subject("bob"), live, 10).toCompletableFuture().join()).isNotNull();
  }

  @Test
  void aDisconnectThatLetsTheSubjectBackRefusesOnlyItsNextRead() {
    Refusal reason = Refusal.of(ErrorCode.DISCONNECTED_BY_ADMIN, "rebalancing", null);
    hub.disconnectSubject("alice", reason, 2_000L);
    Map<String, Position> live = new HashMap<>();
    live.put(CHANNEL, null);

    assertThat(RefusalAssertions.refusalOf(hub.read(alice(), live, 10))).isEqualTo(reason);
    assertThat(hub.read(alice(), live, 10).toCompletableFuture().join()).isNotNull();
  }

  @Test
  void aHubThatStoppedAdmittingRefusesNewSessionsAndKeepsTheOpenOnes() {
    RecordingSink open = new RecordingSink();
    Session kept = hub.open(open, "c1", alice());
    Refusal draining = Refusal.of(ErrorCode.SERVER_UNAVAILABLE, "draining", null);

    hub.stopAdmitting(draining);

    assertThat(hub.admitsConnections()).isFalse();
    assertThat(hub.admissionRefusal()).isEqualTo(draining);
    assertThat(RefusalAssertions.refusalOf(() -> hub.open(new RecordingSink(), "c2", alice())))
        .isEqualTo(draining);
    assertThat(hub.sessions()).containsExactly(kept);
    assertThat(hub.hint(kept, new ServerFrame.Reconnect("draining", 1_234))).isTrue();
    assertThat(open.framesOf(ServerFrame.Reconnect.class))
        .containsExactly(new ServerFrame.Reconnect("draining", 1_234));
  }

  @Test
  void releasingWaitersAnswersEveryWaitingPollAtOnce() {
    AtomicInteger woken = new AtomicInteger();
    hub.awaitMessage(List.of(CHANNEL), woken::incrementAndGet);
    hub.awaitMessage(List.of("jobs:2", "jobs:3"), woken::incrementAndGet);

    hub.releaseWaiters();

    assertThat(woken.get()).isEqualTo(2);
  }

  private static Identity alice() {
    return subject("alice");
  }
}
