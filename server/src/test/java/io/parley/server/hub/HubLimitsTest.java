package io.parley.server.hub;

import static io.parley.server.hub.RefusalAssertions.refusalOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.time.FakeTicker;
import io.parley.server.auth.ChannelPatterns;
import io.parley.server.auth.Identity;
import io.parley.server.backplane.memory.MemoryBackplane;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The hub's limits, driven by a fake clock. */
class HubLimitsTest {
  private static final ChannelPatterns ALL = ChannelPatterns.of(List.of("*"));
  private static final Identity ANONYMOUS = Identity.anonymous(ALL, ALL, false);

  private final FakeTicker ticker = new FakeTicker();
  private final AtomicInteger ids = new AtomicInteger();
  private final Hub hub =
      new Hub(
          new MemoryBackplane(
              100, Duration.ofMinutes(1), Duration.ofMinutes(1), 1_000, ticker, () -> "e"),
          () -> "s" + ids.incrementAndGet(),
          () -> 1L,
          100,
          new Hub.Limits(2, 10, 3, 100, 2, 4),
          ticker);

  private static Identity user(String subject) {
    return new Identity(subject, ALL, ALL, false, false, Long.MAX_VALUE);
  }

  @Test
  void subscriptionsPastTheLimitAreRefusedAndAutomaticChannelsDoNotCount() {
    RecordingSink sink = new RecordingSink();
    Session session = hub.open(sink, "c", user("alice"));
    // A backend's message joins the session to its own channel: that does not count either.
    Identity backend = new Identity("backend", ALL, ALL, true, false, Long.MAX_VALUE);
    hub.publish(backend, "b", "p", "session:" + session.id(), "e", IntNode.valueOf(0));
    assertThat(session.channels()).contains("session:" + session.id());
    hub.subscribe(session, "1", "a", null);
    hub.subscribe(session, "2", "b", null);
    Refusal error = refusalOf(hub.subscribe(session, "3", "c", null));
    assertThat(error.code()).isEqualTo(ErrorCode.TOO_MANY_SUBSCRIPTIONS);
    assertThat(error.message()).contains("2 subscriptions");
    assertThat(sink.framesOf(ServerFrame.Subscribed.class)).hasSize(2);

    // already subscribed says so, not "too many"
    assertThat(refusalOf(hub.subscribe(session, "4", "a", null)).code())
        .isEqualTo(ErrorCode.ALREADY_SUBSCRIBED);
    hub.unsubscribe(session, "5", "a");
    hub.subscribe(session, "6", "c", null);
    assertThat(sink.framesOf(ServerFrame.Subscribed.class)).hasSize(3);
  }

  @Test
  void publishesPastTheBucketAreRateLimitedWithARetryAfter() {
    Session session = hub.open(new RecordingSink(), "c", ANONYMOUS);
    for (int i = 0; i < 3; i++) {
      hub.publish(session, "p" + i, "x", "e", IntNode.valueOf(i)).toCompletableFuture().join();
    }
    Refusal refused = refusalOf(hub.publish(session, "p3", "x", "e", IntNode.valueOf(0)));
    assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(refused.code().retryable()).isTrue();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(100));
    assertThat(refused.message()).contains("retry after 100 ms");

    Session other = hub.open(new RecordingSink(), "d", ANONYMOUS);
    hub.publish(other, "q", "x", "e", IntNode.valueOf(1)).toCompletableFuture().join();

    ticker.advance(Duration.ofMillis(100));
    hub.publish(session, "p3", "x", "e", IntNode.valueOf(3)).toCompletableFuture().join();
  }

  @Test
  void statelessPublishersAreLimitedPerSubjectOrElsePerAddress() {
    for (int i = 0; i < 3; i++) {
      hub.publishStateless(user("bob"), "10.0.0.1", "h", "b" + i, "x", "e", IntNode.valueOf(0))
          .toCompletableFuture()
          .join();
    }
    assertThat(
            refusalOf(
                    hub.publishStateless(
                        user("bob"), "10.0.0.2", "h", "b3", "x", "e", IntNode.valueOf(0)))
                .code())
        .isEqualTo(ErrorCode.RATE_LIMITED);
    // The same address, anonymous: its own bucket.
    hub.publishStateless(ANONYMOUS, "10.0.0.1", "h", "a0", "x", "e", IntNode.valueOf(0))
        .toCompletableFuture()
        .join();
  }

  @Test
  void thePublisherRoleIsATrustedBackendAndIsNotRateLimited() {
    Identity backend = new Identity("billing", ALL, ALL, true, false, Long.MAX_VALUE);
    Session session = hub.open(new RecordingSink(), "b", backend);
    for (int i = 0; i < 10; i++) {
      hub.publish(session, "s" + i, "x", "e", IntNode.valueOf(i)).toCompletableFuture().join();
      hub.publishStateless(backend, "10.0.0.9", "h", "h" + i, "x", "e", IntNode.valueOf(i))
          .toCompletableFuture()
          .join();
    }
  }

  @Test
  void aUserPastItsConnectionsIsRefusedUntilOneCloses() {
    Session first = hub.open(new RecordingSink(), "1", user("carol"));
    hub.open(new RecordingSink(), "2", user("carol"));
    Refusal refused = refusalOf(() -> hub.open(new RecordingSink(), "3", user("carol")));
    assertThat(refused.code()).isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS);
    assertThat(refused.message()).contains("carol").contains("2 connections");
    hub.open(new RecordingSink(), "4", user("dave"));
    hub.close(first);
    hub.close(first); // idempotent: counted down once
    hub.open(new RecordingSink(), "5", user("carol"));
    assertThatThrownBy(() -> hub.open(new RecordingSink(), "6", user("carol")))
        .isInstanceOf(RefusedException.class);
  }

  @Test
  void theNodeAdmitsUpToMaxConnectionsAnonymousIncluded() {
    for (int i = 0; i < 4; i++) {
      assertThat(hub.admitsConnections()).isTrue();
      hub.open(new RecordingSink(), "c" + i, ANONYMOUS);
    }
    assertThat(hub.admitsConnections()).isFalse();
    assertThat(refusalOf(() -> hub.open(new RecordingSink(), "late", ANONYMOUS)).code())
        .isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
    assertThat(hub.sessionCount()).isEqualTo(4);
  }
}
