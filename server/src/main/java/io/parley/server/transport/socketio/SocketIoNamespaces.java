package io.parley.server.transport.socketio;

import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The namespaces of the Socket.IO server, thread-safe; a CONNECT to any other gets {@code Invalid
 * namespace}. Namespace {@code /} always exists.
 */
@Singleton
public class SocketIoNamespaces {
  private final ConcurrentHashMap<String, SocketNamespace> namespaces = new ConcurrentHashMap<>();

  public SocketIoNamespaces() {
    namespaces.put("/", new SocketNamespace("/"));
  }

  /** The namespace {@code name}, created on first use; it must start with {@code /}. */
  public SocketNamespace of(String name) {
    if (!name.startsWith("/")) {
      throw new IllegalArgumentException("a namespace starts with / but was " + name);
    }
    return namespaces.computeIfAbsent(name, SocketNamespace::new);
  }

  /** The namespace {@code name}, or {@code null} when it was never created. */
  SocketNamespace find(String name) {
    return namespaces.get(name);
  }

  /** Removes a namespace (not {@code /}); existing sockets keep working until they disconnect. */
  public void remove(String name) {
    if (!"/".equals(name)) {
      namespaces.remove(name);
    }
  }
}
