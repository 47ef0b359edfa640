package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.RefuseConnections;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state behind a {@link FaultProxy}: listener, rules and live connections. Everything but the
 * counters is confined to the loop thread; {@link FaultProxy} posts calls to it.
 */
final class ProxyEngine {

  private static final System.Logger LOG = System.getLogger(ProxyEngine.class.getName());

  /** Connections accepted per readiness event, so one busy listener cannot starve the rest. */
  private static final int ACCEPTS_PER_EVENT = 64;

  /** Connections the kernel may queue before the loop accepts them. */
  private static final int BACKLOG_CONNECTIONS = 128;

  final String name;
  final EventLoop loop;
  final InetSocketAddress upstream;
  final long seed;
  final int maxHeldBytes;
  private final List<FaultRule> rules = new ArrayList<>();
  private final Set<ProxiedConnection> connections = new LinkedHashSet<>();
  private InetSocketAddress listen;
  private ServerSocketChannel server;
  private SelectionKey serverKey;
  private long nextConnectionId = 1;
  private volatile InetSocketAddress boundAddress;
  private volatile boolean enabled;

  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong bytesUpstream = new AtomicLong();
  private final AtomicLong bytesDownstream = new AtomicLong();
  private volatile int live;

  ProxyEngine(
      String name, InetSocketAddress listen, InetSocketAddress upstream, long seed, int maxHeld) {
    this.name = name;
    this.listen = listen;
    this.upstream = upstream;
    this.seed = seed;
    this.maxHeldBytes = maxHeld;
    this.loop = new EventLoop("parley-fault-proxy-" + name);
  }

  // ---- Thread-safe reads ----

  InetSocketAddress boundAddress() {
    return boundAddress;
  }

  boolean enabled() {
    return enabled;
  }

  ProxyStats stats() {
    return new ProxyStats(
        accepted.get(), refused.get(), live, bytesUpstream.get(), bytesDownstream.get());
  }

  // ---- Loop thread only ----

  /** Binds the listener (to the port bound before, after a disable) and starts accepting. */
  Void enable() throws IOException {
    if (enabled) {
      return null;
    }
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(listen, BACKLOG_CONNECTIONS);
      channel.configureBlocking(false);
      serverKey = loop.register(channel, SelectionKey.OP_ACCEPT, new Acceptor());
    } catch (IOException e) {
      channel.close();
      throw new IOException("Proxy '" + name + "' cannot listen on " + listen, e);
    }
    server = channel;
    boundAddress = (InetSocketAddress) channel.getLocalAddress();
    // Keep the port: re-enabling listens where clients were told to connect.
    listen = boundAddress;
    enabled = true;
    LOG.log(Level.DEBUG, () -> "Proxy '" + name + "' listening on " + boundAddress);
    return null;
  }

  /** Stops accepting and closes every live connection (FIN). */
  Void disable() throws IOException {
    if (!enabled) {
      return null;
    }
    enabled = false;
    serverKey.cancel();
    server.close();
    // A registered channel is only really closed when the selector drops its key; do that now
    // so the port can be bound again at once.
    loop.flushCancelledKeys();
    for (ProxiedConnection connection : List.copyOf(connections)) {
      connection.close("proxy disabled");
    }
    return null;
  }

  Void addRule(FaultRule rule) {
    if (findRule(rule.name()).isPresent()) {
      throw new IllegalStateException(
          "Proxy '" + name + "' already has a fault named '" + rule.name() + "'");
    }
    rules.add(rule);
    for (ProxiedConnection connection : List.copyOf(connections)) {
      connection.attach(rule, false);
      connection.updateInterest();
    }
    return null;
  }

  boolean removeRule(String ruleName) {
    Optional<FaultRule> rule = findRule(ruleName);
    if (rule.isEmpty()) {
      return false;
    }
    rules.remove(rule.get());
    for (ProxiedConnection connection : List.copyOf(connections)) {
      connection.detach(ruleName);
      connection.updateInterest();
    }
    return true;
  }

  Void removeAllRules() {
    for (FaultRule rule : List.copyOf(rules)) {
      removeRule(rule.name());
    }
    return null;
  }

  List<FaultRule> rules() {
    return List.copyOf(rules);
  }

  Optional<FaultRule> findRule(String ruleName) {
    return rules.stream().filter(rule -> rule.name().equals(ruleName)).findFirst();
  }

  Void resetConnections(String reason) {
    for (ProxiedConnection connection : List.copyOf(connections)) {
      connection.reset(reason);
    }
    return null;
  }

  Void shutdown() throws IOException {
    disable();
    return null;
  }

  void onClosed(ProxiedConnection connection) {
    connections.remove(connection);
    live = connections.size();
  }

  void countWritten(boolean upstreamBound, long bytes) {
    (upstreamBound ? bytesUpstream : bytesDownstream).addAndGet(bytes);
  }

  private void onAccept(SocketChannel client) {
    long id = nextConnectionId++;
    accepted.incrementAndGet();
    for (FaultRule rule : rules) {
      if (rule.fault() instanceof RefuseConnections && Dice.applies(seed, id, rule)) {
        refused.incrementAndGet();
        refuse(client, id, rule);
        return;
      }
    }
    SocketChannel upstreamChannel;
    try {
      client.configureBlocking(false);
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      upstreamChannel = SocketChannel.open();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Proxy '" + name + "': cannot set up connection " + id, e);
      closeAccepted(client, id);
      return;
    }
    ProxiedConnection connection = new ProxiedConnection(id, this, client, upstreamChannel);
    connections.add(connection);
    live = connections.size();
    try {
      upstreamChannel.configureBlocking(false);
      upstreamChannel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      connection.open();
    } catch (IOException e) {
      connection.fail("dialling upstream " + upstream, e);
      return;
    }
    for (FaultRule rule : rules) {
      connection.attach(rule, true);
    }
    connection.updateInterest();
  }

  private void refuse(SocketChannel client, long id, FaultRule rule) {
    LOG.log(
        Level.DEBUG,
        () -> "Proxy '" + name + "': connection " + id + " refused by fault '" + rule.name() + "'");
    try {
      client.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "Connection " + id + ": cannot set SO_LINGER 0 to reset", e);
    }
    closeAccepted(client, id);
  }

  private void closeAccepted(SocketChannel client, long id) {
    try {
      client.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "Connection " + id + ": closing failed", e);
    }
  }

  /** Accepts new clients. */
  private final class Acceptor implements EventLoop.Handler {
    @Override
    public void onReady(SelectionKey key) throws IOException {
      for (int i = 0; i < ACCEPTS_PER_EVENT && enabled; i++) {
        SocketChannel client = server.accept();
        if (client == null) {
          return;
        }
        onAccept(client);
      }
    }

    @Override
    public void onFailure(Exception cause) {
      // Accept failures (such as running out of file descriptors) are usually transient; the
      // listener stays open and the next readiness event tries again.
      LOG.log(Level.WARNING, "Proxy '" + name + "': accepting a connection failed", cause);
    }
  }
}
