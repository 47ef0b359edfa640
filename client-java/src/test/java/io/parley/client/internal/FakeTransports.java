package io.parley.client.internal;

import io.parley.client.internal.transport.ClientTransport;
import io.parley.client.internal.transport.TransportSet;
import io.parley.protocol.Transport;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** One {@link FakeTransport} per kind, recording every connection in open order. Thread-safe. */
final class FakeTransports implements TransportSet {
  private final List<FakeConnection> opened = new CopyOnWriteArrayList<>();
  private final Map<Transport, FakeTransport> transports = new EnumMap<>(Transport.class);
  private volatile boolean closed;

  FakeTransports() {
    for (Transport kind : Transport.values()) {
      transports.put(kind, new FakeTransport(kind, opened));
    }
  }

  /** Servers whose every connection is refused at once, whatever its transport's script. */
  private final Set<URI> down = ConcurrentHashMap.newKeySet();

  /** The scripted transport of {@code kind}, shared by every server. */
  FakeTransport get(Transport kind) {
    return transports.get(kind);
  }

  @Override
  public ClientTransport get(URI server, Transport kind) {
    FakeTransport transport = transports.get(kind);
    return new ClientTransport() {
      @Override
      public Transport kind() {
        return kind;
      }

      @Override
      public Connection open(ConnectRequest request, Listener listener) {
        return transport.open(server, down.contains(server), request, listener);
      }

      @Override
      public void close() {
        transport.close();
      }
    };
  }

  /** Refuses every connection to {@code server} from now on, or accepts them by script again. */
  void down(URI server, boolean down) {
    if (down) {
      this.down.add(server);
    } else {
      this.down.remove(server);
    }
  }

  /** The servers of every connection opened so far, in order. */
  List<URI> openedServers() {
    List<URI> servers = new ArrayList<>();
    for (FakeConnection connection : opened) {
      servers.add(connection.server);
    }
    return servers;
  }

  @Override
  public void close() {
    closed = true;
    transports.values().forEach(FakeTransport::close);
  }

  boolean isClosed() {
    return closed;
  }

  /** Every connection opened so far, in order. */
  List<FakeConnection> opened() {
    return new ArrayList<>(opened);
  }

  /** The kinds of every connection opened so far, in order. */
  List<Transport> openedKinds() {
    List<Transport> kinds = new ArrayList<>();
    for (FakeConnection connection : opened) {
      kinds.add(connection.kind);
    }
    return kinds;
  }

  FakeConnection last() {
    if (opened.isEmpty()) {
      throw new AssertionError("no connection was opened");
    }
    return opened.get(opened.size() - 1);
  }
}
