package io.parley.client.internal;

import io.parley.client.ConnectionException;
import io.parley.client.internal.transport.ClientTransport;
import io.parley.protocol.Transport;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted transport: each {@link #open} makes a {@link FakeConnection} that, by {@link Script},
 * waits for the test, is welcomed at once, or is refused at once. Thread-safe.
 */
final class FakeTransport implements ClientTransport {

  /** What a new connection does by itself. */
  enum Script {
    /** Nothing: the test plays the server. */
    MANUAL,
    /** Welcomed at once. */
    ACCEPT,
    /** Refused at once with a {@link ConnectionException}. */
    REFUSE
  }

  private final Transport kind;
  private final List<FakeConnection> connections;
  private final List<FakeConnection> allConnections;
  private volatile Script script = Script.MANUAL;
  private volatile boolean closed;

  FakeTransport(Transport kind, List<FakeConnection> allConnections) {
    this.kind = kind;
    this.connections = new CopyOnWriteArrayList<>();
    this.allConnections = allConnections;
  }

  void script(Script script) {
    this.script = script;
  }

  @Override
  public Transport kind() {
    return kind;
  }

  /** The default server of {@link ClientFixture}. */
  static final URI SERVER = URI.create("http://127.0.0.1:1");

  @Override
  public Connection open(ConnectRequest request, Listener listener) {
    return open(SERVER, false, request, listener);
  }

  /** Opens a connection to {@code server}; refused at once when the server is {@code down}. */
  Connection open(URI server, boolean down, ConnectRequest request, Listener listener) {
    FakeConnection connection = new FakeConnection(server, kind, request, listener);
    connections.add(connection);
    allConnections.add(connection);
    switch (down ? Script.REFUSE : script) {
      case ACCEPT -> connection.welcome();
      case REFUSE -> connection.drop(kind + " refused");
      case MANUAL -> {}
    }
    return connection;
  }

  @Override
  public void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  List<FakeConnection> connections() {
    return List.copyOf(connections);
  }

  FakeConnection last() {
    if (connections.isEmpty()) {
      throw new AssertionError("no connection was opened on " + kind);
    }
    return connections.get(connections.size() - 1);
  }
}
