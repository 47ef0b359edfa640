package io.parley.server.transport.websocket;

import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Encoding;
import io.parley.server.hub.Session;
import io.parley.server.hub.SessionSink;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code /ws} connection: its hub session (after {@code hello}), its bounded outbound queue and
 * its heartbeat clock. Thread-safe: the hub calls the sink methods from any thread (Vert.x hands a
 * write from another thread to the socket's event loop); inbound frames arrive serially on the
 * connection's event loop. It is also the completion handler of its own writes, so a write
 * allocates no listener.
 */
final class NativeConnection implements SessionSink, Handler<AsyncResult<Void>> {
  private static final System.Logger LOG = System.getLogger(NativeConnection.class.getName());

  /** Close code for a retryable server-side disconnect (RFC 6455: try again later). */
  static final int CLOSE_TRY_AGAIN_LATER = 1013;

  /** Close code for a refused peer (RFC 6455: policy violation). */
  static final int CLOSE_POLICY_VIOLATION = 1008;

  private final ServerWebSocket ws;
  private final String upgradeToken;
  private final FrameCodec codec;
  private final Encoding<String> encoding;
  private final int maxQueued;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile Session session;
  private volatile long lastReceivedNanos;
  private volatile long lastPingNanos;

  NativeConnection(
      ServerWebSocket ws,
      String upgradeToken,
      FrameCodec codec,
      Encoding<String> encoding,
      int maxQueued,
      long nowNanos) {
    this.ws = ws;
    this.upgradeToken = upgradeToken;
    this.codec = codec;
    this.encoding = encoding;
    this.maxQueued = maxQueued;
    this.lastReceivedNanos = nowNanos;
    this.lastPingNanos = nowNanos;
  }

  /**
   * The token presented on the upgrade ({@code Authorization: Bearer} or {@code access_token}), or
   * {@code null}; {@code hello} may carry one instead.
   */
  String upgradeToken() {
    return upgradeToken;
  }

  /** The hub session, or {@code null} before {@code hello}. */
  Session session() {
    return session;
  }

  void greeted(Session session) {
    this.session = session;
  }

  void received(long nowNanos) {
    lastReceivedNanos = nowNanos;
  }

  long lastReceivedNanos() {
    return lastReceivedNanos;
  }

  long lastPingNanos() {
    return lastPingNanos;
  }

  void pinged(long nowNanos) {
    lastPingNanos = nowNanos;
  }

  @Override
  public boolean sendMessage(ChannelMessage message) {
    return enqueue(message.encoded(encoding));
  }

  @Override
  public boolean send(ServerFrame frame) {
    return enqueue(codec.encode(frame));
  }

  /** Queues an already encoded frame, such as the heartbeat ping shared by a sweep. */
  boolean sendText(String text) {
    return enqueue(text);
  }

  @Override
  public void close(ServerFrame.Error reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    int code =
        reason.category() == ErrorCategory.CONNECTION
            ? CLOSE_TRY_AGAIN_LATER
            : CLOSE_POLICY_VIOLATION;
    // The error frame goes past the queue limit on purpose: it is the last one.
    ws.writeTextMessage(codec.encode(reason))
        .onComplete(written -> ws.close((short) code, reason.code().name()));
  }

  boolean isClosing() {
    return closing.get();
  }

  /** Queues one text frame unless the outbound queue is full; never blocks. */
  private boolean enqueue(String text) {
    if (closing.get()) {
      return true; // closing anyway; dropping is not a slow-consumer event
    }
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      return false;
    }
    ws.writeTextMessage(text, this);
    return true;
  }

  /** A write has completed: it leaves the queue. */
  @Override
  public void handle(AsyncResult<Void> written) {
    queued.decrementAndGet();
    if (written.failed()) {
      logSendFailure(written.cause());
    }
  }

  private void logSendFailure(Throwable failure) {
    // A write fails when the peer is gone; the close handler cleans up.
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "send to /ws connection " + ws.remoteAddress() + " failed: " + failure);
  }
}
