package io.parley.client.internal;

import io.parley.protocol.backoff.BackoffPolicy;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Not thread-safe, used on the supervisor's {@link EventLoop} only (resends run there): when to
 * send again a request the server refused with a retryable error, a publish waiting in the {@link
 * Outbox} or a subscribe.
 *
 * <p>The delay is the backoff policy's for the request's count of sends (or refusals), counted from
 * 1 and held at {@value #MAX_COUNTED} so it stops growing with the policy's cap. A publish has at
 * most one resend pending, kept in {@link Outbox.Entry#retry}; an acknowledgment or the end of the
 * client cancels it.
 */
final class RequestRetries {

  /** The largest count the delay is taken for. */
  static final int MAX_COUNTED = 30;

  private final EventLoop loop;
  private final BackoffPolicy policy;

  RequestRetries(EventLoop loop, BackoffPolicy policy) {
    this.loop = loop;
    this.policy = policy;
  }

  /** The delay before sending again a request sent or refused {@code count} times (1-based). */
  Duration delay(int count) {
    return policy.delay(Math.max(1, Math.min(count, MAX_COUNTED)));
  }

  /**
   * Schedules {@code resend} of {@code entry} after the delay for its sends, or after the server's
   * {@code retryAfter} when that is longer, unless a resend is already pending; the entry's pending
   * resend is cleared before {@code resend} runs.
   *
   * @param retryAfter the wait the server asked for ({@code retryAfterMs}), or {@link
   *     Duration#ZERO} for none
   */
  void resendLater(Outbox.Entry entry, Duration retryAfter, Consumer<Outbox.Entry> resend) {
    if (entry.retry != null) {
      return;
    }
    Duration backoff = delay(entry.sends);
    entry.retry =
        loop.schedule(
            retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff,
            () -> {
              entry.retry = null;
              resend.accept(entry);
            });
  }

  /** Cancels {@code entry}'s pending resend, if any. */
  void cancel(Outbox.Entry entry) {
    if (entry.retry != null) {
      entry.retry.cancel();
      entry.retry = null;
    }
  }
}
