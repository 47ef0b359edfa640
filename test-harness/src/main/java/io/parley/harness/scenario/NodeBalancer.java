package io.parley.harness.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe: the load balancer in front of a scenario's several nodes, a plain TCP relay on a
 * loopback ephemeral port. Each new connection goes to the next node that is up, round robin, so
 * the clients spread over the nodes; a connection stays on its node until either side closes it, as
 * behind a balancer with no stickiness. The runner marks a node {@link #down} before it kills it
 * and {@link #up} once it listens again, as a balancer following readiness would; a node that
 * refuses is skipped for that connection. With no node to take it, the connection is closed at once
 * and the client retries.
 *
 * <p>Two daemon threads per relayed connection copy bytes (blocking I/O, a 16 KiB buffer each):
 * fine for the few dozen connections of a multi-node scenario, not for a herd.
 */
final class NodeBalancer implements AutoCloseable {

  private static final int BUFFER_BYTES = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  private final List<Integer> ports;
  private final boolean[] upNodes;
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong next = new AtomicLong();

  /**
   * Starts relaying to {@code ports}, every node up.
   *
   * @throws UncheckedIOException when no loopback port can be bound
   */
  NodeBalancer(List<Integer> ports) {
    this.ports = List.copyOf(ports);
    this.upNodes = new boolean[ports.size()];
    Arrays.fill(upNodes, true);
    try {
      listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the node balancer", e);
    }
    Thread acceptor = new Thread(this::accept, "parley-scenario-balancer");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The port clients (or the fault proxy) connect to. */
  int port() {
    return listener.getLocalPort();
  }

  /** New connections no longer go to node {@code index}; its open ones stay until they end. */
  synchronized void down(int index) {
    upNodes[index] = false;
  }

  /** New connections may go to node {@code index} again. */
  synchronized void up(int index) {
    upNodes[index] = true;
  }

  /** The nodes to try for one new connection: those up, starting with the next in turn. */
  private synchronized List<Integer> candidates() {
    List<Integer> order = new ArrayList<>();
    int first = (int) (next.getAndIncrement() % ports.size());
    for (int i = 0; i < ports.size(); i++) {
      int index = (first + i) % ports.size();
      if (upNodes[index]) {
        order.add(index);
      }
    }
    return order;
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        // Closed by close(): the end of the run. Anything else: keep accepting.
        continue;
      }
      Socket server = connectToANode();
      if (server == null) {
        closeQuietly(client);
        continue;
      }
      sockets.add(client);
      sockets.add(server);
      relay(client, server);
      relay(server, client);
    }
  }

  private Socket connectToANode() {
    for (int index : candidates()) {
      Socket server = new Socket();
      try {
        server.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(index)),
            CONNECT_TIMEOUT_MILLIS);
        return server;
      } catch (IOException e) {
        // This node refused (killed before the runner marked it down): try the next one.
        closeQuietly(server);
      }
    }
    return null;
  }

  private void relay(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[BUFFER_BYTES];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // One side closed or reset: the connection is over; both sides close below.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "parley-scenario-balancer-relay");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing an already broken socket: nothing left to release.
    }
  }

  /** Stops accepting and closes every relayed connection. */
  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // Closing the listener: nothing left to release.
    }
    sockets.forEach(NodeBalancer::closeQuietly);
  }
}
