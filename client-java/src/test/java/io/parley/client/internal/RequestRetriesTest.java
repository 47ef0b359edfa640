package io.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.protocol.time.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRetriesTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final RequestRetries retries =
      new RequestRetries(
          new EventLoop(scheduler),
          BackoffPolicy.exponential(Duration.ofMillis(1), Duration.ofDays(1000)));
  private final List<String> resent = new ArrayList<>();

  private static Outbox.Entry entry(int sends) {
    Outbox.Entry entry = new Outbox.Entry("p1", "c", "e", JsonNodeFactory.instance.nullNode());
    entry.sends = sends;
    return entry;
  }

  @Test
  void waitsThePolicysDelayForTheCountHeldBetweenOneAndThirty() {
    assertThat(retries.delay(0)).isEqualTo(Duration.ofMillis(1));
    assertThat(retries.delay(1)).isEqualTo(Duration.ofMillis(1));
    assertThat(retries.delay(3)).isEqualTo(Duration.ofMillis(4));
    assertThat(retries.delay(30)).isEqualTo(Duration.ofMillis(1L << 29));
    assertThat(retries.delay(31)).isEqualTo(Duration.ofMillis(1L << 29));
  }

  @Test
  void resendsAPublishOnceAfterTheDelayForItsSends() {
    Outbox.Entry entry = entry(2);

    retries.resendLater(
        entry, Duration.ZERO, e -> resent.add(e.id + " pending=" + (e.retry != null)));
    retries.resendLater(entry, Duration.ZERO, e -> resent.add("second"));
    scheduler.advance(Duration.ofMillis(1));
    assertThat(resent).isEmpty();

    scheduler.advance(Duration.ofMillis(1));

    assertThat(resent).containsExactly("p1 pending=false");
    assertThat(entry.retry).isNull();
  }

  @Test
  void waitsTheServersRetryAfterWhenItIsLongerThanTheBackoff() {
    Outbox.Entry entry = entry(1);

    retries.resendLater(entry, Duration.ofMillis(250), e -> resent.add(e.id));
    scheduler.advance(Duration.ofMillis(249));
    assertThat(resent).isEmpty();

    scheduler.advance(Duration.ofMillis(1));
    assertThat(resent).containsExactly("p1");
  }

  @Test
  void aCancelledResendNeverRuns() {
    Outbox.Entry entry = entry(1);
    retries.resendLater(entry, Duration.ZERO, e -> resent.add(e.id));

    retries.cancel(entry);
    scheduler.advance(Duration.ofMinutes(1));

    assertThat(resent).isEmpty();
    assertThat(entry.retry).isNull();
  }
}
