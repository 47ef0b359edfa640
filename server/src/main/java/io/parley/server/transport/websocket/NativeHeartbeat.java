package io.parley.server.transport.websocket;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.hub.Refusal;
import io.parley.server.transport.HeartbeatClock;
import io.parley.server.transport.LoopExecutor;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code /ws} heartbeat: a {@code ping} frame every interval, a close with {@code
 * HEARTBEAT_TIMEOUT} when nothing at all was received for the timeout, and a close with {@code
 * HELLO_REQUIRED} when no {@code hello} made a session within the hello timeout. Thread-safe; each
 * connection is on the {@link HeartbeatClock} of its own event loop, and every method that takes a
 * connection runs on that loop.
 *
 * <p>A connection's deadline is the earlier of its next ping and its silence limit. A frame that
 * arrives only moves the silence limit later, so it does not touch the clock: when the deadline
 * comes, the connection is judged by what it received meanwhile and put back at its real next
 * deadline. Before the clock, one node-wide timer walked every connection each fifth of the
 * interval.
 */
final class NativeHeartbeat {
  private final Vertx vertx;
  private final FrameCodec codec;
  private final long intervalNanos;
  private final long timeoutNanos;
  private final Refusal timedOut;
  private final long helloTimeoutNanos;
  private final Refusal helloMissing;
  private final LongAdder helloTimeouts = new LongAdder();
  private final ConcurrentHashMap<LoopExecutor, HeartbeatClock> clocks = new ConcurrentHashMap<>();

  /** The last ping encoded; see {@link #pingText}. */
  private volatile EncodedPing lastPing;

  NativeHeartbeat(
      Vertx vertx, FrameCodec codec, Duration interval, Duration timeout, Duration helloTimeout) {
    this.vertx = vertx;
    this.codec = codec;
    this.intervalNanos = interval.toNanos();
    this.timeoutNanos = timeout.toNanos();
    this.timedOut =
        Refusal.of(
            ErrorCode.HEARTBEAT_TIMEOUT,
            "nothing received for " + timeout.toMillis() + " ms",
            null);
    this.helloTimeoutNanos = helloTimeout.toNanos();
    this.helloMissing =
        Refusal.of(
            ErrorCode.HELLO_REQUIRED,
            "no hello within " + helloTimeout.toMillis() + " ms of the upgrade",
            "type");
  }

  /** Connections closed for not sending {@code hello} in time, since startup. Any thread. */
  long helloTimeouts() {
    return helloTimeouts.sum();
  }

  /** Starts the heartbeat of a connection that just opened; its event loop. */
  void start(NativeConnection connection) {
    connection.heartbeatDue(nextDeadline(connection));
    clock(connection.loop()).add(connection);
  }

  /** Stops it for a connection that closed; its event loop. */
  void stop(NativeConnection connection) {
    clock(connection.loop()).remove(connection);
  }

  /**
   * The connection's deadline has come (the clock may call a grain early, so it is judged a grain
   * ahead): closes it when silent for the timeout, pings it when a ping is due, and sets its next
   * deadline. Its event loop.
   */
  void beat(NativeConnection connection, long nowNanos) {
    long at = nowNanos + HeartbeatClock.GRAIN_NANOS;
    if (connection.session() == null
        && !connection.isClosing()
        && at - connection.openedNanos() >= helloTimeoutNanos) {
      helloTimeouts.increment();
      connection.close(helloMissing);
      clock(connection.loop()).remove(connection);
      return;
    }
    if (at - connection.lastReceivedNanos() >= timeoutNanos) {
      connection.close(timedOut);
      clock(connection.loop()).remove(connection);
      return;
    }
    if (at - connection.lastPingNanos() >= intervalNanos) {
      connection.pinged(nowNanos);
      connection.sendText(pingText());
    }
    connection.heartbeatDue(nextDeadline(connection));
  }

  /**
   * The {@code ping} frame stamped now. Connections pinged in the same millisecond (one clock
   * firing, or several loops at once) share one encoding, as the node-wide sweep before the clock
   * did; any thread.
   */
  private String pingText() {
    long now = System.currentTimeMillis();
    EncodedPing ping = lastPing;
    if (ping == null || ping.millis() != now) {
      ping = new EncodedPing(now, codec.encode(new ServerFrame.Ping(now)));
      lastPing = ping;
    }
    return ping.text();
  }

  private record EncodedPing(long millis, String text) {}

  private long nextDeadline(NativeConnection connection) {
    long ping = connection.lastPingNanos() + intervalNanos;
    long silence = connection.lastReceivedNanos() + timeoutNanos;
    long due = ping - silence < 0 ? ping : silence;
    if (connection.session() == null) {
      long hello = connection.openedNanos() + helloTimeoutNanos;
      return hello - due < 0 ? hello : due;
    }
    return due;
  }

  private HeartbeatClock clock(LoopExecutor loop) {
    return clocks.computeIfAbsent(loop, l -> new HeartbeatClock(vertx));
  }
}
