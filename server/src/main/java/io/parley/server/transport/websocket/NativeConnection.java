package io.parley.server.transport.websocket;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.events.Connection;
import io.parley.server.events.DisconnectReason;
import io.parley.server.events.TransportKind;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.Session;
import io.parley.server.hub.SessionSink;
import io.parley.server.logging.FrameTrace;
import io.parley.server.metrics.DeliveryCounters;
import io.parley.server.transport.ClientAddress;
import io.parley.server.transport.HeartbeatClock;
import io.parley.server.transport.LoopExecutor;
import io.parley.server.transport.NativeFrameEncoding;
import io.parley.server.transport.SharedText;
import io.parley.server.transport.WebSocketDeflate;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One {@code /ws} connection: its hub session (after {@code hello}), its bounded outbound queue and
 * its heartbeat clock. Thread-safe: the hub calls the sink methods from any thread, and they hand
 * each frame to the event loop's {@link LoopExecutor}, which writes it in call order, in batches
 * (as Engine.IO's sockets do); inbound frames arrive serially on the connection's event loop.
 */
final class NativeConnection implements SessionSink, HeartbeatClock.Member {
  /** Close code for a retryable server-side disconnect (RFC 6455: try again later). */
  static final int CLOSE_TRY_AGAIN_LATER = NativeRefusal.CLOSE_TRY_AGAIN_LATER;

  private static final AtomicIntegerFieldUpdater<NativeConnection> QUEUED =
      AtomicIntegerFieldUpdater.newUpdater(NativeConnection.class, "queued");

  private final ServerWebSocket ws;
  private final LoopExecutor loop;

  /** Event loop only; dropped once {@code hello} has used it (a browser's can be 1 KB or more). */
  private String upgradeToken;

  private final FrameCodec codec;
  private final int maxQueued;
  private final DeliveryCounters deliveries;

  /** How frames go out: deflated from their shared form when the socket negotiated it. */
  private final WebSocketDeflate deflate;

  /** Frames handed to the loop and not yet written to the socket; see {@link #QUEUED}. */
  private volatile int queued;

  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile Session session;

  /** The connection as events describe it, set with the session. */
  private volatile Connection connection;

  /** Where this connection's frames are traced, or {@code null} (nearly always): not traced. */
  private volatile FrameTrace trace;

  /** The refusal the server closed with, or {@code null} when the peer ended it. */
  private volatile ErrorCode closedWith;

  private volatile long lastReceivedNanos;
  private volatile long lastPingNanos;

  /** When the upgrade completed; the {@code hello} deadline counts from it. */
  private final long openedNanos;

  /**
   * The heartbeat this connection is on; its deadline and place on the loop's clock (loop only).
   */
  private final NativeHeartbeat heartbeat;

  private long heartbeatDueNanos;
  private int clockIndex = -1;

  NativeConnection(
      ServerWebSocket ws,
      LoopExecutor loop,
      String upgradeToken,
      FrameCodec codec,
      int maxQueued,
      WebSocketDeflate deflate,
      DeliveryCounters deliveries,
      NativeHeartbeat heartbeat,
      long nowNanos) {
    this.ws = ws;
    this.loop = loop;
    this.upgradeToken = upgradeToken;
    this.codec = codec;
    this.maxQueued = maxQueued;
    this.deflate = deflate;
    this.deliveries = deliveries;
    this.heartbeat = heartbeat;
    this.lastReceivedNanos = nowNanos;
    this.lastPingNanos = nowNanos;
    this.openedNanos = nowNanos;
  }

  /**
   * The token presented on the upgrade ({@code Authorization: Bearer} or {@code access_token}), or
   * {@code null}; {@code hello} may carry one instead. Only the first call returns it: it is not
   * kept for the connection's life. Event loop only.
   */
  String takeUpgradeToken() {
    String token = upgradeToken;
    upgradeToken = null;
    return token;
  }

  /** The hub session, or {@code null} before {@code hello}. */
  /** The client's network address. */
  String address() {
    return ClientAddress.of(ws.remoteAddress());
  }

  Session session() {
    return session;
  }

  /** The connection as events describe it, or {@code null} before {@code hello}. */
  Connection connection() {
    return connection;
  }

  void greeted(Session session, Connection connection, FrameTrace frames) {
    this.connection = connection;
    this.trace = frames.traces(connection) ? frames : null;
    this.session = session;
  }

  /** Traces a received frame if this connection is traced; event loop. */
  void received(String text) {
    FrameTrace frames = trace;
    if (frames != null) {
      frames.received(connection, text);
    }
  }

  /**
   * Why the connection ended: the refusal the server closed it with, else a close frame from the
   * client, else a connection lost. Call from the close handler.
   */
  DisconnectReason endReason() {
    ErrorCode code = closedWith;
    if (code != null) {
      return DisconnectReason.of(code);
    }
    return ws.closeStatusCode() != null
        ? DisconnectReason.CLIENT_CLOSE
        : DisconnectReason.TRANSPORT_CLOSE;
  }

  long openedNanos() {
    return openedNanos;
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

  /** The event loop this connection lives on. */
  LoopExecutor loop() {
    return loop;
  }

  void heartbeatDue(long nanos) {
    heartbeatDueNanos = nanos;
  }

  @Override
  public long heartbeatDueNanos() {
    return heartbeatDueNanos;
  }

  @Override
  public void heartbeat(long nowNanos) {
    heartbeat.beat(this, nowNanos);
  }

  @Override
  public int clockIndex() {
    return clockIndex;
  }

  @Override
  public void clockIndex(int index) {
    clockIndex = index;
  }

  @Override
  public boolean sendMessage(ChannelMessage message) {
    boolean queued = enqueue(null, message.encoded(NativeFrameEncoding.SHARED));
    if (queued) {
      deliveries.delivered(TransportKind.WEBSOCKET, message);
    }
    return queued;
  }

  @Override
  public int queued() {
    return queued;
  }

  @Override
  public boolean send(ServerFrame frame) {
    return enqueue(codec.encode(frame));
  }

  /**
   * Queues {@code refusal} as the {@code error} frame answering {@code requestId} (may be null).
   */
  boolean refuse(String requestId, Refusal refusal) {
    return enqueue(codec.encode(NativeRefusal.frame(requestId, refusal)));
  }

  @Override
  public boolean sendRefusal(Refusal refusal) {
    return refuse(null, refusal);
  }

  /** Queues an already encoded frame, such as the heartbeat ping shared by a sweep. */
  boolean sendText(String text) {
    return enqueue(text);
  }

  @Override
  public void close(Refusal reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closedWith = reason.code();
    int code = NativeRefusal.closeCode(reason);
    // The error frame goes past the queue limit on purpose: it is the last one, after all queued.
    String last = codec.encode(NativeRefusal.frame(null, reason));
    loop.execute(
        () ->
            ws.writeTextMessage(last)
                .onComplete(written -> ws.close((short) code, reason.code().name())));
  }

  boolean isClosing() {
    return closing.get();
  }

  /**
   * Queues one text frame unless the outbound queue is full or the socket's own write queue is (a
   * peer that does not read); never blocks. Any thread.
   */
  private boolean enqueue(String text) {
    return enqueue(text, null);
  }

  /**
   * Queues {@code text}, or {@code shared} when it is null, as {@link #enqueue(String)}; a shared
   * text is deflated once for every connection it goes to.
   */
  private boolean enqueue(String text, SharedText shared) {
    if (closing.get()) {
      return true; // closing anyway; dropping is not a slow-consumer event
    }
    if (WebSocketDeflate.writeQueueFull(ws)) {
      return false;
    }
    if (QUEUED.incrementAndGet(this) > maxQueued) {
      QUEUED.decrementAndGet(this);
      return false;
    }
    FrameTrace frames = trace;
    if (frames != null) {
      frames.sent(connection, shared != null ? shared.text() : text);
    }
    loop.execute(
        () -> {
          // A write to a closed socket fails quietly; its close handler ends the session.
          if (shared != null) {
            deflate.write(ws, shared);
          } else {
            deflate.write(ws, text);
          }
          QUEUED.decrementAndGet(this);
        });
    return true;
  }
}
