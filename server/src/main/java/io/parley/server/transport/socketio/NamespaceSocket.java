package io.parley.server.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.parley.server.transport.engineio.EnginePacket;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One client's membership of one namespace (the reference server's {@code Socket}), thread-safe:
 * {@link #emit} and {@link #disconnect} may be called from any thread and never block; incoming
 * packets and the disconnect listeners run on the connection's home event loop.
 */
public final class NamespaceSocket {
  private static final System.Logger LOG = System.getLogger(NamespaceSocket.class.getName());

  private final SocketIoConnection connection;
  private final SocketNamespace namespace;
  private final String id;

  /**
   * The one value the application binds to this socket (Parley's channel sink), set by a connect
   * handler; a single field rather than a map of string keys, typed when read.
   */
  private volatile Object binding;

  /**
   * What runs when the socket leaves its namespace: the one listener added (the usual case, with no
   * list around it), or {@link BothListeners} chaining several. Home event loop only.
   */
  private Consumer<String> disconnectListeners;

  /**
   * Server emits awaiting the client's ack; created by the first such emit (most sockets never make
   * one, and the map and counter cost about 90 bytes).
   */
  private volatile PendingAcks pendingAcks;

  private volatile boolean connected;
  private boolean closed;

  NamespaceSocket(SocketIoConnection connection, SocketNamespace namespace, String id) {
    this.connection = connection;
    this.namespace = namespace;
    this.id = id;
  }

  /** This socket's id, sent to the client in the CONNECT reply. */
  public String id() {
    return id;
  }

  /** The namespace name. */
  public String namespace() {
    return namespace.name();
  }

  /** The Engine.IO session id of the underlying connection. */
  public String engineId() {
    return connection.engine().sid();
  }

  /** The client's network address, from the Engine.IO handshake; {@code null} when unknown. */
  public String address() {
    return connection.engine().address();
  }

  /** Engine.IO packets queued on the connection and not yet written; any thread. */
  public int queued() {
    return connection.engine().queued();
  }

  /** Tells the namespace's upgrade listeners; home event loop. */
  void upgraded() {
    for (Consumer<NamespaceSocket> listener : namespace.upgradedListeners()) {
      try {
        listener.accept(this);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "upgrade listener failed on " + this, e);
      }
    }
  }

  /** The current transport of the connection: {@code polling} or {@code websocket}. */
  public String transport() {
    return connection.engine().transport().wireName();
  }

  /** Whether the socket is connected (the CONNECT reply was queued and no disconnect since). */
  public boolean isConnected() {
    return connected;
  }

  /**
   * The value {@link #bind bound} to this socket, or {@code null} when nothing is bound.
   *
   * @throws ClassCastException when the bound value is not a {@code type}
   */
  public <T> T binding(Class<T> type) {
    return type.cast(binding);
  }

  /** Binds the application's value to this socket for later handlers, replacing any before. */
  public void bind(Object value) {
    binding = Objects.requireNonNull(value, "value");
  }

  /**
   * Emits an event to the client; any thread, never blocks.
   *
   * @param args the arguments; {@code BinaryNode}s go as binary attachments
   * @return {@code false} when the socket is not connected or the connection's outbound queue is
   *     full (nothing was queued)
   */
  public boolean emit(String event, JsonNode... args) {
    ArrayNode data = SocketJson.NODES.arrayNode(args.length + 1);
    data.add(event);
    for (JsonNode arg : args) {
      data.add(arg);
    }
    return send(new SocketPacket(SocketPacketType.EVENT, namespace.name(), null, data));
  }

  /**
   * Emits an event that asks the client for an acknowledgement; any thread, never blocks.
   *
   * @param onAck called once with the ack's arguments, on the connection's event loop; never called
   *     if the client does not answer or disconnects
   * @return {@code false} when nothing was queued (not connected, or the queue is full)
   */
  public boolean emitWithAck(String event, Consumer<ArrayNode> onAck, JsonNode... args) {
    ArrayNode data = SocketJson.NODES.arrayNode(args.length + 1);
    data.add(event);
    for (JsonNode arg : args) {
      data.add(arg);
    }
    PendingAcks acks = pendingAcks();
    long ackId = acks.nextId.getAndIncrement();
    acks.callbacks.put(ackId, Objects.requireNonNull(onAck, "onAck"));
    boolean queued = send(new SocketPacket(SocketPacketType.EVENT, namespace.name(), ackId, data));
    if (!queued) {
      acks.callbacks.remove(ackId);
    }
    return queued;
  }

  private PendingAcks pendingAcks() {
    PendingAcks acks = pendingAcks;
    if (acks == null) {
      synchronized (this) {
        acks = pendingAcks;
        if (acks == null) {
          acks = new PendingAcks();
          pendingAcks = acks;
        }
      }
    }
    return acks;
  }

  /** Queues a packet of this namespace; any thread. */
  public boolean send(SocketPacket packet) {
    if (!connected) {
      return false;
    }
    return connection.engine().offer(SocketCodec.encode(packet));
  }

  /** Queues pre-encoded Engine.IO packets; any thread. */
  public boolean sendEncoded(EnginePacket packet) {
    return connected && connection.engine().offer(packet);
  }

  /**
   * Leaves the namespace from the server side: the client gets a DISCONNECT packet (and does not
   * reconnect by itself). Any thread; idempotent.
   */
  public void disconnect() {
    connection
        .engine()
        .runAfterQueued(
            () -> {
              if (!closed) {
                connection
                    .engine()
                    .send(
                        SocketCodec.encode(
                            new SocketPacket(
                                SocketPacketType.DISCONNECT, namespace.name(), null, null)));
                connection.remove(this);
                closed("server namespace disconnect");
              }
            });
  }

  /**
   * Closes the whole Engine.IO connection after what is queued; the client sees a transport close
   * and reconnects. Any thread.
   */
  public void closeConnection(String reason) {
    connection.engine().runAfterQueued(() -> connection.engine().close(reason));
  }

  /** Adds a listener run once, on the home event loop, when the socket leaves the namespace. */
  public void onDisconnect(Consumer<String> listener) {
    connection
        .engine()
        .execute(
            () -> {
              if (closed) {
                listener.accept("already disconnected");
              } else {
                disconnectListeners =
                    disconnectListeners == null
                        ? listener
                        : new BothListeners(disconnectListeners, listener);
              }
            });
  }

  void connected() {
    connected = true;
  }

  /** An EVENT, ACK or DISCONNECT for this namespace; home context. */
  void onPacket(SocketPacket packet) {
    switch (packet.type()) {
      case EVENT, BINARY_EVENT -> onEvent(packet);
      case ACK, BINARY_ACK -> onAck(packet);
      case DISCONNECT -> {
        connection.remove(this);
        closed("client namespace disconnect");
      }
      default -> throw new IllegalStateException("not a socket packet: " + packet.type());
    }
  }

  private void onAck(SocketPacket packet) {
    PendingAcks acks = pendingAcks;
    Consumer<ArrayNode> callback =
        packet.id() == null || acks == null ? null : acks.callbacks.remove(packet.id());
    if (callback == null) {
      // As the reference server: an ack nobody waits for is ignored.
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "ignoring ack " + packet.id() + " from " + this + ": no such ack");
      return;
    }
    ArrayNode args =
        packet.data() == null ? SocketJson.NODES.arrayNode() : (ArrayNode) packet.data();
    try {
      callback.accept(args);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "ack callback failed on " + this, e);
    }
  }

  private void onEvent(SocketPacket packet) {
    ArrayNode data = (ArrayNode) packet.data();
    String event = data.get(0).asText();
    EventHandler handler = namespace.handler(event);
    if (handler == null) {
      return; // like an event nobody listens to on the reference server
    }
    ArrayNode args = SocketJson.NODES.arrayNode(data.size() - 1);
    for (int i = 1; i < data.size(); i++) {
      args.add(data.get(i));
    }
    Ack ack = packet.id() == null ? null : new OnceAck(packet.id());
    try {
      handler.onEvent(this, args, ack);
    } catch (RuntimeException e) {
      // Handler isolation: one failing handler must not take the connection or the loop down.
      LOG.log(
          System.Logger.Level.ERROR,
          "handler of event '" + event + "' failed on " + this + "; the event is dropped",
          e);
    }
  }

  /** Runs the disconnect listeners once; home context. */
  void closed(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    connected = false;
    PendingAcks acks = pendingAcks;
    if (acks != null) {
      acks.callbacks.clear();
    }
    Consumer<String> listeners = disconnectListeners;
    disconnectListeners = null;
    if (listeners != null) {
      runSafely(listeners, reason);
    }
  }

  @Override
  public String toString() {
    return "NamespaceSocket[" + namespace.name() + " " + id + " on " + connection.engine() + "]";
  }

  /** Sends the ack for one id at most once. */
  private final class OnceAck implements Ack {
    private final long ackId;
    private final AtomicBoolean sent = new AtomicBoolean();

    OnceAck(long ackId) {
      this.ackId = ackId;
    }

    @Override
    public void send(JsonNode... args) {
      if (!sent.compareAndSet(false, true)) {
        return;
      }
      ArrayNode data = SocketJson.NODES.arrayNode(args.length);
      for (JsonNode arg : args) {
        data.add(arg);
      }
      NamespaceSocket.this.send(
          new SocketPacket(SocketPacketType.ACK, namespace.name(), ackId, data));
    }
  }

  /** Callbacks of server emits awaiting the client's ack, by ack id; cleared on disconnect. */
  private static final class PendingAcks {
    final AtomicLong nextId = new AtomicLong(1);
    final ConcurrentHashMap<Long, Consumer<ArrayNode>> callbacks = new ConcurrentHashMap<>();
  }

  /** Runs a disconnect listener; a failing one is logged and does not stop the others. */
  private void runSafely(Consumer<String> listener, String reason) {
    if (listener instanceof BothListeners both) {
      runSafely(both.first, reason);
      runSafely(both.second, reason);
      return;
    }
    try {
      listener.accept(reason);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "disconnect listener failed on " + this, e);
    }
  }

  /** Two disconnect listeners, in the order they were added; see {@link #runSafely}. */
  private record BothListeners(Consumer<String> first, Consumer<String> second)
      implements Consumer<String> {
    @Override
    public void accept(String reason) {
      first.accept(reason);
      second.accept(reason);
    }
  }
}
