package io.parley.client.internal;

import io.parley.client.ClientOptions;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyException;
import io.parley.client.ReconnectScheduled;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;
import io.parley.protocol.backoff.Backoff;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.protocol.time.Scheduler.Cancellable;
import java.time.Duration;
import java.util.List;

/**
 * Not thread-safe, used on the supervisor's {@link EventLoop} only (its one timer runs the
 * supervisor's step there): connection rounds while there is no connection, which transport to try
 * next, how long to wait before the next try and the next round, and when to give up.
 *
 * <p>A round tries the {@link TransportLadder}'s {@link TransportLadder#roundOrder() round order}
 * once, {@code fallbackDelay} apart. After a failed round the next waits the backoff delay, or
 * longer when a server asked for it ({@code Retry-After}, capped at {@link #MAX_RETRY_AFTER}).
 * Rounds are numbered from 1 ({@link ReconnectScheduled#attempt()}); after {@code maxAttempts}
 * failed rounds the client gives up. The count starts over only after a connection stayed up for
 * the stable period ({@link #stable()}).
 */
final class ReconnectRounds {

  /** The longest {@code Retry-After} honoured; a server asking for more gets this. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private final TransportLadder ladder;
  private final Backoff backoff;
  private final int maxAttempts;
  private final Duration fallbackDelay;
  private final EventLoop loop;

  private List<Transport> round = List.of();
  private int index;
  private Cancellable timer;
  private ParleyException lastFailure;

  /** The longest {@code Retry-After} a server named since the last round was scheduled. */
  private Duration serverDelay;

  /**
   * @param maxAttempts failed rounds before giving up, or {@link ClientOptions#UNLIMITED_ATTEMPTS}
   * @param fallbackDelay the pause between two transports of one round; zero for none
   */
  ReconnectRounds(
      TransportLadder ladder,
      BackoffPolicy policy,
      int maxAttempts,
      Duration fallbackDelay,
      EventLoop loop) {
    this.ladder = ladder;
    this.backoff = new Backoff(policy);
    this.maxAttempts = maxAttempts;
    this.fallbackDelay = fallbackDelay;
    this.loop = loop;
  }

  /** Starts a round over the transports the ladder does not skip now. */
  void begin() {
    round = ladder.roundOrder();
    index = 0;
  }

  /** The next transport of this round, or {@code null} when the round is over. */
  Transport next() {
    return index < round.size() ? round.get(index++) : null;
  }

  /** Records a failed try or a lost connection: the cause a failed round reports. */
  void failed(ParleyException cause) {
    lastFailure = cause;
  }

  /** The last failure recorded; {@code null} before any. */
  ParleyException lastFailure() {
    return lastFailure;
  }

  /**
   * Runs {@code step} (the next try of this round) after the fallback delay while another transport
   * is left in this round, otherwise at once (it then ends the round).
   */
  void tryNextAfterFallbackDelay(Runnable step) {
    if (!fallbackDelay.isZero() && index < round.size()) {
      later(fallbackDelay, step);
    } else {
      step.run();
    }
  }

  /** The next round starts no sooner than {@code delay} from when it is scheduled. */
  void noSoonerThan(Duration delay) {
    if (delay != null && (serverDelay == null || delay.compareTo(serverDelay) > 0)) {
      serverDelay = delay;
    }
  }

  /** Whether the rounds allowed have all failed: the client gives up instead of scheduling. */
  boolean exhausted() {
    return maxAttempts != ClientOptions.UNLIMITED_ATTEMPTS && backoff.attempt() >= maxAttempts;
  }

  /** The failure the client gives up with once {@link #exhausted()}. */
  ConnectionException gaveUp(ParleyException cause) {
    return new ConnectionException(
        "gave up after "
            + maxAttempts
            + " retry rounds"
            + (cause == null ? "" : "; last failure: " + cause.getMessage()),
        null,
        null,
        cause);
  }

  /**
   * Schedules {@code round} (the next round) after the backoff delay or the server's delay,
   * whichever is longer, and forgets the server's delay.
   *
   * @return the event to report
   */
  ReconnectScheduled schedule(ParleyException cause, Runnable round) {
    Duration delay = backoff.nextDelay();
    if (serverDelay != null && serverDelay.compareTo(delay) > 0) {
      delay = serverDelay;
    }
    serverDelay = null;
    later(delay, round);
    return new ReconnectScheduled(backoff.attempt(), delay, cause);
  }

  /**
   * A connection was welcomed: a server's {@code Retry-After} noted on the way (a busy server the
   * client moved away from) no longer delays anything.
   */
  void connected() {
    serverDelay = null;
  }

  /** A connection stayed up for the stable period: the backoff starts over. */
  void stable() {
    backoff.reset();
  }

  /** Cancels the pending try or round, if any. */
  void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /**
   * Whether {@code cause} tells the client not to reconnect at all: an operator's disconnect
   * without return ({@link ErrorCode#DISCONNECTED_NO_RECONNECT}).
   */
  static boolean forbidsReturn(ParleyException cause) {
    return cause instanceof ConnectionException connection
        && connection.code() == ErrorCode.DISCONNECTED_NO_RECONNECT;
  }

  /** The server's {@code Retry-After} carried by {@code cause}, capped, or {@code null}. */
  static Duration retryAfter(ParleyException cause) {
    if (!(cause instanceof ConnectionException connection)) {
      return null;
    }
    Duration asked = connection.retryAfter().orElse(null);
    if (asked == null || asked.isNegative()) {
      return null;
    }
    return asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
  }

  private void later(Duration delay, Runnable step) {
    timer =
        loop.schedule(
            delay,
            () -> {
              timer = null;
              step.run();
            });
  }
}
