package io.parley.harness.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP server that writes back what it reads, on an ephemeral port; closes a connection
 * when the client half-closes. Thread-safe. A thread per connection: it is a test fixture.
 */
final class EchoServer implements AutoCloseable {

  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Throwable> connectionErrors = new CopyOnWriteArrayList<>();
  private final AtomicLong bytesReceived = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final boolean echo;

  private EchoServer(boolean echo) {
    this.echo = echo;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::acceptLoop, "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Echoes everything back. */
  static EchoServer start() {
    return new EchoServer(true);
  }

  /** Reads and counts everything, writes nothing. */
  static EchoServer sink() {
    return new EchoServer(false);
  }

  int port() {
    return server.getLocalPort();
  }

  long bytesReceived() {
    return bytesReceived.get();
  }

  long connections() {
    return connections.get();
  }

  /** Errors seen on server-side connections, such as a reset from the proxy. */
  List<Throwable> connectionErrors() {
    return connectionErrors;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        sockets.add(socket);
        Thread thread = new Thread(() -> serve(socket), "echo-" + socket.getPort());
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        if (!server.isClosed()) {
          connectionErrors.add(e);
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        bytesReceived.addAndGet(n);
        if (echo) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      if (!server.isClosed()) {
        connectionErrors.add(e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
