package io.parley.harness.proxy;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.Fault;
import io.parley.harness.fault.FaultRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * Thread-safe (every method may be called from any thread, also while traffic flows): a TCP proxy
 * that injects faults between clients and one upstream server, for tests.
 *
 * <pre>
 *   client &lt;--&gt; FaultProxy (127.0.0.1:ephemeral) &lt;--&gt; upstream host:port
 *                     UPSTREAM faults  ---&gt;
 *                     DOWNSTREAM faults &lt;---
 * </pre>
 *
 * <p><b>Threads.</b> One selector thread per proxy, {@code parley-fault-proxy-<name>}, does all the
 * work with non-blocking NIO: accepting, dialling the upstream, reading, writing and the timers of
 * faults that delay data. No thread per connection (virtual threads would need Java 21). Methods
 * that change faults or connections post a task to that thread and wait up to 10 seconds for it, so
 * when {@link #addFault} returns the fault is in force on every live connection.
 *
 * <p><b>Faults.</b> Each {@link FaultRule} acts on one direction of each connection, in the order
 * rules were added, like a chain of Toxiproxy toxics. Adding a rule applies it to live and new
 * connections (except {@link io.parley.harness.fault.UpgradeFilter}, new ones only); removing one
 * restores normal flow, forwarding what it held (except {@link io.parley.harness.fault.Timeout},
 * which dropped data and so closes the connections it hit). Random choices (toxicity, jitter, slice
 * sizes) come from the {@linkplain Builder#seed seed}, per connection and rule, so a run can be
 * reproduced.
 *
 * <p><b>Buffers.</b> Each direction of each connection holds at most {@linkplain
 * Builder#maxHeldBytes maxHeldBytes} (plus one 16 KiB read) in faults and write queues; at that
 * point the proxy stops reading from the sender, whose writes then block or fill its own buffers,
 * as behind a slow network.
 *
 * <p><b>Lifecycle.</b> {@link #start()} binds the listener (unless built disabled) and starts the
 * thread; {@link #close()} closes every connection and the listener and stops the thread. A proxy
 * is not restartable after close.
 */
public final class FaultProxy implements AutoCloseable {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final ProxyEngine engine;
  private final boolean enabledAtStart;
  private volatile State state = State.NEW;

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private FaultProxy(Builder builder) {
    this.engine =
        new ProxyEngine(
            builder.name, builder.listen, builder.upstream, builder.seed, builder.maxHeldBytes);
    this.enabledAtStart = builder.enabled;
  }

  /** A builder; {@link Builder#upstream} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the selector thread and, unless built disabled, listens.
   *
   * @return this proxy
   * @throws UncheckedIOException when the listen address cannot be bound
   * @throws IllegalStateException when already started or closed
   */
  public synchronized FaultProxy start() {
    if (state != State.NEW) {
      throw new IllegalStateException("Proxy '" + name() + "' is " + state);
    }
    engine.loop.start();
    state = State.STARTED;
    if (enabledAtStart) {
      try {
        onLoop(engine::enable);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }
    return this;
  }

  /** The proxy's name, unique within a control server. */
  public String name() {
    return engine.name;
  }

  /** The upstream address, resolved when the proxy was built. */
  public InetSocketAddress upstream() {
    return engine.upstream;
  }

  /**
   * The address clients connect to. After a disable the same port is bound again on enable.
   *
   * @throws IllegalStateException when the proxy has never listened
   */
  public InetSocketAddress listenAddress() {
    InetSocketAddress bound = engine.boundAddress();
    if (bound == null) {
      throw new IllegalStateException("Proxy '" + name() + "' has not listened yet");
    }
    return bound;
  }

  /**
   * The port clients connect to.
   *
   * @throws IllegalStateException when the proxy has never listened
   */
  public int port() {
    return listenAddress().getPort();
  }

  /** The seed all random choices derive from. */
  public long seed() {
    return engine.seed;
  }

  /** Whether the proxy accepts connections. */
  public boolean isEnabled() {
    return engine.enabled();
  }

  /**
   * Starts or stops accepting. Disabling closes every live connection (FIN) and the listener, as if
   * the server went away; enabling listens again on the same port. Faults are kept.
   *
   * @throws UncheckedIOException when the port cannot be bound again
   */
  public void setEnabled(boolean enabled) {
    requireStarted();
    onLoop(enabled ? engine::enable : engine::disable);
  }

  /**
   * Adds {@code rule}: it attaches to every live connection (subject to its toxicity) before this
   * returns, and to every new one.
   *
   * @throws IllegalStateException when a fault of that name exists or the proxy is not running
   */
  public void addFault(FaultRule rule) {
    Objects.requireNonNull(rule, "rule");
    requireStarted();
    onLoop(() -> engine.addRule(rule));
  }

  /**
   * Adds a rule that applies to every connection (toxicity 1).
   *
   * @return the rule added
   * @throws IllegalArgumentException when the name is malformed or the fault does not support the
   *     direction
   * @throws IllegalStateException when a fault of that name exists or the proxy is not running
   */
  public FaultRule addFault(String name, Direction direction, Fault fault) {
    FaultRule rule = FaultRule.of(name, direction, fault);
    addFault(rule);
    return rule;
  }

  /**
   * Removes the rule called {@code name}, detaching it from every live connection before this
   * returns.
   *
   * @return false when there was no such rule
   */
  public boolean removeFault(String name) {
    Objects.requireNonNull(name, "name");
    requireStarted();
    return onLoop(() -> engine.removeRule(name));
  }

  /** The rules in force, in the order they were added. */
  public List<FaultRule> faults() {
    requireStarted();
    return onLoop(engine::rules);
  }

  /** The rule called {@code name}, if any. */
  public Optional<FaultRule> fault(String name) {
    requireStarted();
    return onLoop(() -> engine.findRule(name));
  }

  /** Removes every rule, as {@link #removeFault} does for each. */
  public void resetAll() {
    requireStarted();
    onLoop(engine::removeAllRules);
  }

  /** Resets (RST) every live connection on both sides. New connections are accepted as usual. */
  public void disconnectAll() {
    requireStarted();
    onLoop(() -> engine.resetConnections("disconnectAll"));
  }

  /** The counters now. Never blocks. */
  public ProxyStats stats() {
    return engine.stats();
  }

  /** Closes every connection (FIN) and the listener, and stops the thread. Idempotent. */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    State before = state;
    state = State.CLOSED;
    if (before == State.STARTED) {
      try {
        onLoop(engine::shutdown);
      } finally {
        engine.loop.close();
      }
    }
  }

  @Override
  public String toString() {
    InetSocketAddress bound = engine.boundAddress();
    return "FaultProxy["
        + name()
        + " "
        + (bound == null ? "unbound" : bound)
        + " -> "
        + engine.upstream
        + "]";
  }

  private void requireStarted() {
    if (state != State.STARTED) {
      throw new IllegalStateException("Proxy '" + name() + "' is " + state);
    }
  }

  private <T> T onLoop(Callable<T> task) {
    return engine.loop.call(
        () -> {
          try {
            return task.call();
          } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
          }
        });
  }

  /**
   * Not thread-safe (use from one thread, then discard): configures a {@link FaultProxy}.
   *
   * <p>Defaults: name {@code proxy}, listen {@code 127.0.0.1:0} (an ephemeral loopback port), seed
   * 0, enabled, {@link #DEFAULT_MAX_HELD_BYTES} per direction and connection.
   */
  public static final class Builder {

    /** Default of {@link #maxHeldBytes}: 1 MiB. */
    public static final int DEFAULT_MAX_HELD_BYTES = 1024 * 1024;

    private String name = "proxy";
    private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private InetSocketAddress upstream;
    private long seed;
    private int maxHeldBytes = DEFAULT_MAX_HELD_BYTES;
    private boolean enabled = true;

    private Builder() {}

    /**
     * The proxy's name: letters, digits, {@code .}, {@code _}, {@code -}; at most 64 characters.
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "name must be 1 to 64 letters, digits, '.', '_' or '-' but was '" + name + "'");
      }
      this.name = name;
      return this;
    }

    /** Where to listen; port 0 picks an ephemeral port. */
    public Builder listen(InetSocketAddress listen) {
      this.listen = Objects.requireNonNull(listen, "listen");
      return this;
    }

    /** Where to listen; port 0 picks an ephemeral port. Resolves {@code host} now. */
    public Builder listen(String host, int port) {
      return listen(new InetSocketAddress(host, port));
    }

    /** The server to forward to. Resolved once, now; an unresolvable host fails here. */
    public Builder upstream(InetSocketAddress upstream) {
      Objects.requireNonNull(upstream, "upstream");
      if (upstream.isUnresolved()) {
        throw new IllegalArgumentException("upstream host cannot be resolved: " + upstream);
      }
      this.upstream = upstream;
      return this;
    }

    /** The server to forward to. Resolves {@code host} now. */
    public Builder upstream(String host, int port) {
      return upstream(new InetSocketAddress(host, port));
    }

    /** The seed of every random choice the proxy makes. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The most bytes held per direction and connection before reading stops; at least 1. */
    public Builder maxHeldBytes(int maxHeldBytes) {
      if (maxHeldBytes < 1) {
        throw new IllegalArgumentException(
            "maxHeldBytes must be at least 1 but was " + maxHeldBytes);
      }
      this.maxHeldBytes = maxHeldBytes;
      return this;
    }

    /** Whether {@link FaultProxy#start()} listens; a disabled proxy listens once enabled. */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * A proxy, not yet started.
     *
     * @throws IllegalStateException when no upstream was set
     */
    public FaultProxy build() {
      if (upstream == null) {
        throw new IllegalStateException("upstream is required");
      }
      return new FaultProxy(this);
    }

    /** Builds and starts the proxy. */
    public FaultProxy start() {
      return build().start();
    }
  }
}
