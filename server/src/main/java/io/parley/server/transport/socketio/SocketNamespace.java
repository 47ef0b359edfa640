package io.parley.server.transport.socketio;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One Socket.IO namespace, thread-safe: who may join, what happens on join, and the event handlers.
 * Register handlers at startup; they run on each connection's event loop.
 */
public final class SocketNamespace {
  private final String name;
  private final List<ConnectHandler> connectHandlers = new CopyOnWriteArrayList<>();
  private final List<Consumer<NamespaceSocket>> connectedListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<NamespaceSocket>> upgradedListeners = new CopyOnWriteArrayList<>();
  private final Map<String, EventHandler> handlers = new ConcurrentHashMap<>();

  SocketNamespace(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The namespace, such as {@code /} or {@code /custom}. */
  public String name() {
    return name;
  }

  /** Adds a check run, in order, before a client joins; the first refusal wins. */
  public SocketNamespace onConnect(ConnectHandler handler) {
    connectHandlers.add(Objects.requireNonNull(handler, "handler"));
    return this;
  }

  /** Adds a listener called after the CONNECT reply has been queued. */
  public SocketNamespace onConnected(Consumer<NamespaceSocket> listener) {
    connectedListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Adds a listener called, on the connection's event loop, when a joined socket's connection moves
   * from polling to WebSocket.
   */
  public SocketNamespace onUpgraded(Consumer<NamespaceSocket> listener) {
    upgradedListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Sets the handler of {@code event}, replacing any previous one. */
  public SocketNamespace on(String event, EventHandler handler) {
    handlers.put(
        Objects.requireNonNull(event, "event"), Objects.requireNonNull(handler, "handler"));
    return this;
  }

  List<ConnectHandler> connectHandlers() {
    return connectHandlers;
  }

  List<Consumer<NamespaceSocket>> upgradedListeners() {
    return upgradedListeners;
  }

  List<Consumer<NamespaceSocket>> connectedListeners() {
    return connectedListeners;
  }

  /** The handler of {@code event}, or {@code null}: such events are ignored. */
  EventHandler handler(String event) {
    return handlers.get(event);
  }
}
