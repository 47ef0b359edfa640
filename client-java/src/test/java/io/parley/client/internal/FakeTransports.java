package io.parley.client.internal;

import io.parley.client.internal.transport.TransportSet;
import io.parley.protocol.Transport;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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

  @Override
  public FakeTransport get(Transport kind) {
    return transports.get(kind);
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
