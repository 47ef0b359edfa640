package io.parley.harness.proxy;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.UpgradeFilter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Not thread-safe (loop thread only): one client connection and its upstream connection, joined by
 * two links.
 *
 * <p>Reading from a source stops while the bytes held along its link reach the proxy's limit (TCP
 * backpressure), and until the upstream connection is established. The connection closes when both
 * directions have ended and been written, on any I/O error (then with a reset, so a failure on one
 * side shows as a failure on the other), or when a fault closes or resets it.
 */
final class ProxiedConnection {

  private static final System.Logger LOG = System.getLogger(ProxiedConnection.class.getName());

  final long id;
  private final ProxyEngine engine;
  private final SocketChannel client;
  private final SocketChannel upstream;
  private final Link up;
  private final Link down;
  private SelectionKey clientKey;
  private SelectionKey upstreamKey;
  private boolean connected;
  private boolean closed;
  private boolean closingAfterResponse;

  ProxiedConnection(long id, ProxyEngine engine, SocketChannel client, SocketChannel upstream) {
    this.id = id;
    this.engine = engine;
    this.client = client;
    this.upstream = upstream;
    this.up = new Link(Direction.UPSTREAM, this, new Writer(this, upstream, true));
    this.down = new Link(Direction.DOWNSTREAM, this, new Writer(this, client, false));
  }

  /** Registers both sockets and starts dialling the upstream. */
  void open() throws IOException {
    clientKey = engine.loop.register(client, 0, new Side(true));
    upstreamKey = engine.loop.register(upstream, SelectionKey.OP_CONNECT, new Side(false));
    if (upstream.connect(engine.upstream)) {
      onConnected();
    }
  }

  /** Adds a stage for {@code rule}, unless the rule does not act on links or misses this one. */
  void attach(FaultRule rule, boolean fresh) {
    if (closed || (rule.fault() instanceof UpgradeFilter && !fresh)) {
      return;
    }
    if (!Dice.applies(engine.seed, id, rule)) {
      return;
    }
    Link link = rule.direction() == Direction.UPSTREAM ? up : down;
    Stage stage = Stage.create(rule, link, Dice.forStage(engine.seed, id, rule));
    if (stage != null) {
      link.add(stage);
    }
  }

  void detach(String ruleName) {
    if (!closed) {
      up.remove(ruleName);
    }
    if (!closed) {
      down.remove(ruleName);
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Runs {@code task} after {@code delayNanos} unless the connection has closed by then. */
  EventLoop.Timer schedule(long delayNanos, Runnable task) {
    return engine.loop.schedule(
        delayNanos,
        () -> {
          if (!closed) {
            task.run();
            updateInterest();
          }
        });
  }

  void countWritten(boolean upstreamBound, long bytes) {
    engine.countWritten(upstreamBound, bytes);
  }

  /** Closes both sockets normally (FIN after what the kernel still has to send). */
  void close(String reason) {
    close(false, reason);
  }

  /** Resets both sockets: {@code SO_LINGER} 0, then close, so both peers see an RST. */
  void reset(String reason) {
    close(true, reason);
  }

  /** An I/O operation failed: reset both sides, so the other peer learns of it. */
  void fail(String operation, Exception cause) {
    if (cause instanceof IOException) {
      LOG.log(
          Level.DEBUG, () -> "Connection " + id + ": " + operation + " failed: " + cause, cause);
    } else {
      LOG.log(Level.ERROR, "Connection " + id + ": " + operation + " failed unexpectedly", cause);
    }
    reset(operation + " failed: " + cause.getMessage());
  }

  /**
   * Answers the client with {@code response} in place of the server, then closes: the upstream
   * socket closes now, the client's once the response is written. Responses already queued for the
   * client go first; data still held by faults in either direction is dropped.
   */
  void respondAndClose(byte[] response, String reason) {
    LOG.log(Level.DEBUG, () -> "Connection " + id + ": answering for the server: " + reason);
    closingAfterResponse = true;
    up.writer.discard();
    closeChannel(upstream, false);
    down.writer.acceptLast(ByteBuffer.wrap(response));
  }

  private void close(boolean reset, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    LOG.log(Level.DEBUG, () -> "Connection " + id + (reset ? " reset: " : " closed: ") + reason);
    up.release();
    down.release();
    closeChannel(client, reset);
    closeChannel(upstream, reset);
    engine.onClosed(this);
  }

  private void closeChannel(SocketChannel channel, boolean reset) {
    if (!channel.isOpen()) {
      return;
    }
    if (reset) {
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, () -> "Connection " + id + ": cannot set SO_LINGER 0 to reset", e);
      }
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "Connection " + id + ": closing " + channel + " failed", e);
    }
  }

  private void onConnected() {
    connected = true;
    up.writer.ready();
    down.writer.ready();
  }

  private void read(Link link, SocketChannel source) throws IOException {
    ByteBuffer buffer = engine.loop.readBuffer();
    int n = source.read(buffer);
    if (n < 0) {
      link.endSource();
    } else if (n > 0) {
      buffer.flip();
      ByteBuffer chunk = ByteBuffer.allocate(n).put(buffer).flip();
      link.entry().accept(chunk);
    }
  }

  /** Applies what the last event changed: due resets and closes, then the interest sets. */
  void updateInterest() {
    if (closed) {
      return;
    }
    String reset = up.dueReset();
    if (reset == null) {
      reset = down.dueReset();
    }
    if (reset != null) {
      reset(reset);
      return;
    }
    if (closingAfterResponse) {
      if (down.writer.queued() == 0) {
        close("response sent in place of the server");
        return;
      }
      setInterest(clientKey, down.writer.wantsWrite() ? SelectionKey.OP_WRITE : 0);
      return;
    }
    if (up.writer.finished() && down.writer.finished()) {
      close("both directions ended");
      return;
    }
    if (!connected) {
      return;
    }
    int clientOps = 0;
    int upstreamOps = 0;
    if (wantsRead(up)) {
      clientOps |= SelectionKey.OP_READ;
    }
    if (down.writer.wantsWrite()) {
      clientOps |= SelectionKey.OP_WRITE;
    }
    if (wantsRead(down)) {
      upstreamOps |= SelectionKey.OP_READ;
    }
    if (up.writer.wantsWrite()) {
      upstreamOps |= SelectionKey.OP_WRITE;
    }
    setInterest(clientKey, clientOps);
    setInterest(upstreamKey, upstreamOps);
  }

  private boolean wantsRead(Link link) {
    return !link.sourceEnded() && link.held() < engine.maxHeldBytes;
  }

  private static void setInterest(SelectionKey key, int ops) {
    if (key != null && key.isValid() && key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  /** Readiness of one of the two sockets. */
  private final class Side implements EventLoop.Handler {
    private final boolean clientSide;

    Side(boolean clientSide) {
      this.clientSide = clientSide;
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
      if (!clientSide && key.isConnectable()) {
        finishConnect();
      }
      if (!closed && key.isValid() && key.isReadable()) {
        if (clientSide) {
          read(up, client);
        } else {
          read(down, upstream);
        }
      }
      if (!closed && key.isValid() && key.isWritable()) {
        (clientSide ? down : up).writer.flush();
      }
      updateInterest();
    }

    private void finishConnect() {
      try {
        if (upstream.finishConnect()) {
          onConnected();
        }
      } catch (IOException e) {
        LOG.log(
            Level.INFO,
            () ->
                "Connection "
                    + id
                    + ": upstream "
                    + engine.upstream
                    + " unreachable ("
                    + e.getMessage()
                    + "); closing the client");
        close("upstream unreachable: " + e.getMessage());
      }
    }

    @Override
    public void onFailure(Exception cause) {
      fail(clientSide ? "client I/O" : "upstream I/O", cause);
    }
  }
}
