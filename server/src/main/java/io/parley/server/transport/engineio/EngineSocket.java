package io.parley.server.transport.engineio;

import io.parley.server.transport.HeartbeatClock;
import io.parley.server.transport.HttpCompression;
import io.parley.server.transport.LoopExecutor;
import io.parley.server.transport.WebSocketDeflate;
import io.parley.server.transport.WebSocketMessages;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

/**
 * One Engine.IO v4 connection (one {@code sid}): its transport (long-polling or WebSocket), the
 * polling-to-websocket upgrade, the heartbeat and the write buffer. Thread-confined: every method
 * runs on the connection's home event loop (that of the request that opened it), except {@link
 * #offer}, {@link #execute} and {@link #runAfterQueued}, which any thread may call; they queue on
 * the loop's {@link LoopExecutor}, through which requests and frames arriving on other event loops
 * hop to it too.
 */
public final class EngineSocket implements HeartbeatClock.Member {
  private static final System.Logger LOG = System.getLogger(EngineSocket.class.getName());
  private static final AtomicIntegerFieldUpdater<EngineSocket> QUEUED =
      AtomicIntegerFieldUpdater.newUpdater(EngineSocket.class, "queued");

  /**
   * How long a GET is held during an upgrade before it is released with a noop (the reference
   * server checks every 100 ms). The wait lets a {@code 5} sent right after the probe complete the
   * upgrade first, as it would on a single-threaded server: such a GET then gets 400, since the
   * session no longer polls.
   */
  static final long UPGRADE_NOOP_DELAY_MS = 50;

  /** Receives what the peer sends; called on the home context. */
  public interface Listener {
    /** A message packet, text or binary. */
    void onMessage(EnginePacket packet);

    /** The connection ended; nothing is delivered after this. */
    void onClose(String reason);

    /** The connection moved from polling to WebSocket. */
    default void onUpgraded() {}
  }

  private enum State {
    OPEN,
    CLOSING,
    CLOSED
  }

  private final String sid;
  private final String address;
  private final Vertx vertx;
  private final LoopExecutor loop;
  private final EngineSettings settings;
  private final Consumer<EngineSocket> onEnded;
  private final HeartbeatClock heartbeats;
  private final ArrayDeque<EnginePacket> writeBuffer = new ArrayDeque<>(4);

  /**
   * Packets accepted for sending but not yet handed to a transport; any thread, through {@link
   * #QUEUED} (a field, not an AtomicInteger: one object less per connection).
   */
  private volatile int queued;

  private Listener listener;
  private State state = State.OPEN;
  private volatile EngineTransport transport;
  private volatile ServerWebSocket webSocket;

  /** How {@link #webSocket} is written to (home context only). */
  private WebSocketDeflate deflate = WebSocketDeflate.PLAIN;

  private volatile HttpServerResponse pendingGet;
  private ServerWebSocket probe;

  /** How {@link #probe} is to be written to once it carries the session. */
  private WebSocketDeflate probeDeflate = WebSocketDeflate.PLAIN;

  private boolean probed;
  private int clockIndex = -1;

  /** Whether a ping is out and its pong not yet in. */
  private boolean awaitingPong;

  /**
   * When the next heartbeat step is due ({@link System#nanoTime}): the next ping, or, while a ping
   * is out, the moment its pong is overdue.
   */
  private long heartbeatDueNanos;

  private long upgradeTimer = -1;
  private long closeTimer = -1;
  private long upgradeNoopTimer = -1;

  EngineSocket(
      String sid,
      String address,
      Vertx vertx,
      Context context,
      EngineSettings settings,
      HeartbeatClock heartbeats,
      EngineTransport transport,
      Consumer<EngineSocket> onEnded) {
    this.sid = sid;
    this.address = address;
    this.vertx = vertx;
    this.loop = LoopExecutor.of(context);
    this.settings = settings;
    this.heartbeats = heartbeats;
    this.transport = transport;
    this.onEnded = onEnded;
  }

  public String sid() {
    return sid;
  }

  /**
   * The client's address as the handshake came from (a proxy's, behind one), or {@code "unknown"}.
   */
  public String address() {
    return address;
  }

  /** Packets queued and not yet written; any thread, a racy read. */
  public int queued() {
    return queued;
  }

  public EngineTransport transport() {
    return transport;
  }

  /** Whether an upgrade to WebSocket is under way (a probe socket is attached). */
  boolean isUpgrading() {
    return probe != null;
  }

  public Vertx vertx() {
    return vertx;
  }

  public EngineSettings settings() {
    return settings;
  }

  /** Whether a long-polling GET is waiting for data; any thread (for tests and metrics). */
  public boolean hasPendingGet() {
    return pendingGet != null;
  }

  boolean isOpen() {
    return state == State.OPEN;
  }

  /** Sets who receives messages; call before {@link #open}. */
  public void listener(Listener listener) {
    this.listener = listener;
  }

  /**
   * Runs {@code task} on the home event loop, always queued (never inline), so that requests and
   * frames arriving on different event loops run in the order they were read. Any thread.
   */
  public void execute(Runnable task) {
    loop.execute(task);
  }

  /** Sends the open packet and starts the heartbeat. */
  void open() {
    send(
        EnginePacket.of(
            EnginePacketType.OPEN, settings.handshake(sid, transport == EngineTransport.POLLING)));
    heartbeatDueNanos = System.nanoTime() + settings.pingInterval().toNanos();
    heartbeats.add(this);
  }

  /**
   * Queues a packet from any thread, in call order per calling thread; never blocks.
   *
   * @return {@code false} when the connection already holds {@link EngineSettings#maxQueued} unsent
   *     packets or its WebSocket's write queue is full; nothing is queued then
   */
  public boolean offer(EnginePacket packet) {
    if (!reserve(1)) {
      return false;
    }
    loop.execute(
        () -> {
          if (state != State.CLOSED) {
            writeBuffer.add(packet);
            flush();
          }
        });
    return true;
  }

  /**
   * Queues packets that must go out together and in order (a packet and its attachments) from any
   * thread; never blocks.
   *
   * @return {@code false} when the queue has no room for all of them; nothing is queued then
   */
  public boolean offer(List<EnginePacket> packets) {
    if (!reserve(packets.size())) {
      return false;
    }
    loop.execute(
        () -> {
          if (state == State.CLOSED) {
            return;
          }
          writeBuffer.addAll(packets);
          flush();
        });
    return true;
  }

  /** Counts {@code count} packets against the queue limit, or refuses them all. Any thread. */
  private boolean reserve(int count) {
    ServerWebSocket ws = webSocket;
    if (ws != null
        && transport == EngineTransport.WEBSOCKET
        && WebSocketDeflate.writeQueueFull(ws)) {
      return false;
    }
    if (QUEUED.addAndGet(this, count) > settings.maxQueued()) {
      QUEUED.addAndGet(this, -count);
      return false;
    }
    return true;
  }

  /** Runs {@code task} on the home context after everything offered so far. Any thread. */
  public void runAfterQueued(Runnable task) {
    loop.execute(task);
  }

  /** Queues a packet and flushes it if the transport is writable. Home context only. */
  public void send(EnginePacket packet) {
    if (state == State.CLOSED) {
      return;
    }
    QUEUED.incrementAndGet(this);
    writeBuffer.add(packet);
    flush();
  }

  /** Queues several packets at once, so that one polling response carries them all. */
  public void send(List<EnginePacket> packets) {
    if (state == State.CLOSED) {
      return;
    }
    QUEUED.addAndGet(this, packets.size());
    writeBuffer.addAll(packets);
    flush();
  }

  // ---------------------------------------------------------------- long-polling

  /** A long-polling GET for this session. */
  void onPollRequest(HttpServerResponse response) {
    if (state == State.CLOSED || transport != EngineTransport.POLLING) {
      EngineServer.abort(
          response, state == State.CLOSED ? EngineError.UNKNOWN_SID : EngineError.BAD_REQUEST);
      return;
    }
    if (pendingGet != null) {
      // The reference server answers the first GET with close, ends the session, and refuses
      // the second one.
      LOG.log(System.Logger.Level.DEBUG, () -> "overlapping polling GETs on " + sid);
      abort("transport error");
      if (!response.ended()) {
        response.setStatusCode(400).end();
      }
      return;
    }
    pendingGet = response;
    response.closeHandler(
        v ->
            execute(
                () -> {
                  if (pendingGet == response) {
                    pendingGet = null;
                    abort("transport close");
                  }
                }));
    if (probed && writeBuffer.isEmpty() && state == State.OPEN) {
      // Upgrading: release the client's poll soon so that it can finish the upgrade.
      scheduleUpgradeNoop();
      return;
    }
    flush();
  }

  /**
   * A long-polling POST body for this session.
   *
   * @return the HTTP status to answer: 200, or 400 when the payload was malformed (the session is
   *     then closed)
   */
  int onPollData(String body) {
    if (state == State.CLOSED || transport != EngineTransport.POLLING) {
      return 400;
    }
    List<EnginePacket> packets;
    try {
      packets = EngineCodec.decodePayload(body);
    } catch (MalformedPacketException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "closing " + sid + ": " + e.getMessage());
      abort("parse error");
      return 400;
    }
    for (EnginePacket packet : packets) {
      if (state == State.CLOSED) {
        break;
      }
      if (packet.type() == EnginePacketType.CLOSE) {
        end("transport close", true);
        break;
      }
      onPacket(packet);
    }
    return 200;
  }

  private void respondToPoll(List<EnginePacket> packets) {
    HttpServerResponse response = pendingGet;
    pendingGet = null;
    if (response.ended() || response.closed()) {
      return;
    }
    HttpCompression.end(
        response.putHeader("Content-Type", "text/plain; charset=UTF-8"),
        EngineCodec.encodePayload(packets));
  }

  // ---------------------------------------------------------------- websocket

  /**
   * Attaches the socket of a websocket-only session (no upgrade), written to as {@code deflate}
   * says; home context.
   */
  void attachWebSocket(ServerWebSocket ws, WebSocketDeflate deflate) {
    this.deflate = deflate;
    webSocket = ws;
    listen(ws);
  }

  /**
   * Takes a WebSocket that asks to upgrade this session. Called on the socket's own event loop
   * right after the handshake, so that no frame arrives before the handlers are set; the frames
   * then hop to the home context, after the upgrade has started there.
   *
   * @param deflate how the socket is written to once the upgrade completes
   * @param toWebSocket whether the request named the websocket transport; other probes, late ones
   *     and second ones are closed at once, as the reference does
   */
  void acceptProbe(ServerWebSocket ws, WebSocketDeflate deflate, boolean toWebSocket) {
    listen(ws);
    execute(
        () -> {
          if (!toWebSocket
              || state != State.OPEN
              || probe != null
              || transport != EngineTransport.POLLING) {
            closeWebSocket(ws);
          } else {
            startUpgrade(ws, deflate);
          }
        });
  }

  private void startUpgrade(ServerWebSocket ws, WebSocketDeflate deflate) {
    probe = ws;
    probeDeflate = deflate;
    probed = false;
    upgradeTimer =
        vertx.setTimer(
            settings.upgradeTimeout().toMillis(),
            id -> {
              upgradeTimer = -1;
              if (probe == ws) {
                LOG.log(System.Logger.Level.DEBUG, () -> "upgrade of " + sid + " timed out");
                cancelUpgrade();
              }
            });
  }

  private void listen(ServerWebSocket ws) {
    Peer peer = new Peer(ws);
    WebSocketMessages.attach(ws, settings.maxPayload(), peer);
    ws.closeHandler(peer);
    ws.exceptionHandler(
        failure ->
            LOG.log(
                System.Logger.Level.DEBUG,
                () -> "websocket of Engine.IO session " + sid + " failed: " + failure));
  }

  /**
   * What one of this session's WebSockets (the one in use or a probe) receives, handed to the home
   * event loop. One object per socket for messages and the close.
   */
  private final class Peer implements WebSocketMessages.Receiver, Handler<Void> {
    private final ServerWebSocket ws;

    Peer(ServerWebSocket ws) {
      this.ws = ws;
    }

    @Override
    public void onText(String text) {
      execute(() -> onWebSocketText(ws, text));
    }

    @Override
    public void onBinary(byte[] data) {
      execute(() -> onWebSocketPacket(ws, EnginePacket.binary(data)));
    }

    @Override
    public void handle(Void closed) {
      execute(() -> onWebSocketClosed(ws));
    }
  }

  private void onWebSocketText(ServerWebSocket ws, String text) {
    EnginePacket packet;
    try {
      packet = EngineCodec.decode(text);
    } catch (MalformedPacketException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "closing " + sid + ": " + e.getMessage());
      if (ws == probe) {
        cancelUpgrade();
      } else {
        abort("parse error");
      }
      return;
    }
    onWebSocketPacket(ws, packet);
  }

  private void onWebSocketPacket(ServerWebSocket ws, EnginePacket packet) {
    if (state == State.CLOSED) {
      return;
    }
    if (ws == probe) {
      onProbePacket(ws, packet);
    } else if (ws == webSocket && transport == EngineTransport.WEBSOCKET) {
      if (packet.type() == EnginePacketType.CLOSE) {
        end("transport close", false);
      } else {
        onPacket(packet);
      }
    }
  }

  private void onProbePacket(ServerWebSocket ws, EnginePacket packet) {
    if (packet.type() == EnginePacketType.PING && "probe".equals(packet.text())) {
      ws.writeTextMessage("3probe");
      probed = true;
      if (pendingGet != null) {
        scheduleUpgradeNoop();
      }
    } else if (packet.type() == EnginePacketType.UPGRADE && probed) {
      cancelTimer(upgradeTimer);
      upgradeTimer = -1;
      probe = null;
      probed = false;
      cancelTimer(upgradeNoopTimer);
      upgradeNoopTimer = -1;
      HttpServerResponse stale = pendingGet;
      if (stale != null) {
        // A client that upgrades has stopped polling: this GET came after the upgrade began.
        pendingGet = null;
        EngineServer.abort(stale, EngineError.BAD_REQUEST);
      }
      deflate = probeDeflate;
      webSocket = ws;
      transport = EngineTransport.WEBSOCKET;
      LOG.log(System.Logger.Level.DEBUG, () -> "Engine.IO session " + sid + " upgraded");
      if (listener != null) {
        listener.onUpgraded();
      }
      flush();
    } else {
      cancelUpgrade();
    }
  }

  /** Releases the pending GET with a noop shortly, unless the upgrade completes first. */
  private void scheduleUpgradeNoop() {
    if (upgradeNoopTimer >= 0) {
      return;
    }
    upgradeNoopTimer =
        vertx.setTimer(
            UPGRADE_NOOP_DELAY_MS,
            id -> {
              upgradeNoopTimer = -1;
              if (pendingGet != null
                  && state == State.OPEN
                  && transport == EngineTransport.POLLING) {
                if (writeBuffer.isEmpty()) {
                  respondToPoll(List.of(EnginePacket.NOOP));
                } else {
                  flush();
                }
              }
            });
  }

  private void cancelUpgrade() {
    ServerWebSocket ws = probe;
    probe = null;
    probed = false;
    cancelTimer(upgradeTimer);
    upgradeTimer = -1;
    if (ws != null) {
      closeWebSocket(ws);
    }
  }

  private void onWebSocketClosed(ServerWebSocket ws) {
    if (ws == probe) {
      probe = null;
      probed = false;
      cancelTimer(upgradeTimer);
      upgradeTimer = -1;
    } else if (ws == webSocket && transport == EngineTransport.WEBSOCKET && state != State.CLOSED) {
      end("transport close", false);
    }
  }

  // ---------------------------------------------------------------- packets and heartbeat

  private void onPacket(EnginePacket packet) {
    switch (packet.type()) {
      case MESSAGE -> listener.onMessage(packet);
      case PONG -> {
        // As the reference does, any pong restarts the interval.
        awaitingPong = false;
        heartbeatDueNanos = System.nanoTime() + settings.pingInterval().toNanos();
        heartbeats.reschedule(this);
      }
      case PING -> {
        // Engine.IO v4: only the server pings.
        LOG.log(System.Logger.Level.DEBUG, () -> "closing " + sid + ": ping from the client");
        abort("invalid heartbeat direction");
      }
      default -> {
        // open, upgrade and noop from the client mean nothing here; the reference ignores them.
      }
    }
  }

  /**
   * Sends a ping once the interval has passed since the last pong (or the open), and ends the
   * session when a ping's pong is overdue, as the reference server's two timers do. Called by the
   * loop's {@link HeartbeatClock} when {@link #heartbeatDueNanos} comes.
   */
  @Override
  public void heartbeat(long nowNanos) {
    if (awaitingPong) {
      LOG.log(System.Logger.Level.DEBUG, () -> "ping timeout on " + sid);
      abort("ping timeout");
    } else if (state == State.OPEN) {
      send(EnginePacket.PING);
      awaitingPong = true;
      // The pong is due a ping timeout after the ping's due time, however early the clock woke or
      // late the loop ran, so the session ends when the protocol says.
      heartbeatDueNanos += settings.pingTimeout().toNanos();
    }
  }

  /**
   * Runs the heartbeats whose deadlines have passed though the clock has not fired yet (a loaded
   * event loop runs timers late), so that a request sees the session as its deadlines say: a ping
   * that is due goes out, a session whose pong is overdue ends. Home event loop.
   *
   * @return whether the session is still open
   */
  boolean heartbeatCaughtUp() {
    long now = System.nanoTime();
    boolean moved = false;
    while (clockIndex >= 0 && state == State.OPEN && now - heartbeatDueNanos >= 0) {
      heartbeat(now);
      moved = true;
    }
    if (moved) {
      heartbeats.reschedule(this);
    }
    return state != State.CLOSED;
  }

  @Override
  public long heartbeatDueNanos() {
    return heartbeatDueNanos;
  }

  @Override
  public int clockIndex() {
    return clockIndex;
  }

  @Override
  public void clockIndex(int index) {
    clockIndex = index;
  }

  private void flush() {
    if (state == State.CLOSED) {
      return;
    }
    if (transport == EngineTransport.WEBSOCKET) {
      ServerWebSocket ws = webSocket;
      int written = writeBuffer.size();
      while (!writeBuffer.isEmpty()) {
        EnginePacket packet = writeBuffer.poll();
        if (packet.isBinary()) {
          ws.writeBinaryMessage(Buffer.buffer(packet.binary()));
        } else if (packet.shared() != null) {
          deflate.write(ws, packet.shared());
        } else {
          deflate.write(ws, EngineCodec.encode(packet));
        }
      }
      QUEUED.addAndGet(this, -written);
      if (state == State.CLOSING) {
        end("forced close", false);
      }
    } else if (pendingGet != null && (!writeBuffer.isEmpty() || state == State.CLOSING)) {
      List<EnginePacket> packets = new ArrayList<>(writeBuffer);
      writeBuffer.clear();
      QUEUED.addAndGet(this, -packets.size());
      boolean closing = state == State.CLOSING;
      if (closing) {
        packets.add(EnginePacket.CLOSE);
      }
      respondToPoll(packets);
      if (closing) {
        end("forced close", false);
      }
    }
  }

  // ---------------------------------------------------------------- closing

  /**
   * Closes the connection from the server side: what is buffered is sent first, then (over polling)
   * a close packet. Idempotent; home context.
   */
  public void close(String reason) {
    if (state != State.OPEN) {
      return;
    }
    LOG.log(System.Logger.Level.DEBUG, () -> "closing Engine.IO session " + sid + ": " + reason);
    state = State.CLOSING;
    if (transport == EngineTransport.WEBSOCKET || pendingGet != null) {
      flush();
    } else {
      // Over polling the buffer and the close packet go out with the next GET; a client that
      // never polls again is dropped after the ping timeout.
      closeTimer =
          vertx.setTimer(
              settings.pingTimeout().toMillis(),
              id -> {
                closeTimer = -1;
                end("forced close", false);
              });
    }
  }

  /** Ends the connection at once, discarding the buffer: a pending GET gets a close packet. */
  void abort(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    writeBuffer.clear();
    if (pendingGet != null) {
      respondToPoll(List.of(EnginePacket.CLOSE));
    }
    end(reason, false);
  }

  /**
   * Ends the session: releases every resource and tells the listener once.
   *
   * @param byClient the client sent a close packet over polling: a pending GET gets a noop
   */
  private void end(String reason, boolean byClient) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    heartbeats.remove(this);
    cancelTimer(upgradeTimer);
    cancelTimer(closeTimer);
    cancelTimer(upgradeNoopTimer);
    writeBuffer.clear();
    queued = 0;
    if (pendingGet != null) {
      respondToPoll(List.of(byClient ? EnginePacket.NOOP : EnginePacket.CLOSE));
    }
    if (webSocket != null) {
      closeWebSocket(webSocket);
    }
    if (probe != null) {
      closeWebSocket(probe);
    }
    probe = null;
    onEnded.accept(this);
    if (listener != null) {
      listener.onClose(reason);
    }
  }

  /** Closes a socket with a close frame; Vert.x closes the connection after the handshake. */
  private static void closeWebSocket(ServerWebSocket ws) {
    if (!ws.isClosed()) {
      ws.close();
    }
  }

  private void cancelTimer(long id) {
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
  }

  @Override
  public String toString() {
    return "EngineSocket[" + sid + ", " + transport + "]";
  }
}
