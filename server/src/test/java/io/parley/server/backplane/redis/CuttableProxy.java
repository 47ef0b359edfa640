package io.parley.server.backplane.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder to the machine's Redis that a test can cut (every connection closed, new
 * ones refused at once) and restore on the same port: Redis unreachable for one backplane only,
 * without touching the shared server. Thread-safe; one daemon thread per direction.
 */
final class CuttableProxy implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listener;

  CuttableProxy(int targetPort) {
    this.targetPort = targetPort;
    this.listener = listen(0);
    this.port = listener.getLocalPort();
  }

  int port() {
    return port;
  }

  /** Closes every connection and stops listening: connection attempts are refused. */
  synchronized void cut() {
    closeQuietly(listener);
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  /** Listens again on the same port. */
  synchronized void restore() {
    listener = listen(port);
  }

  private ServerSocket listen(int on) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), on));
      Thread acceptor = new Thread(() -> accept(socket), "cuttable-proxy-accept");
      acceptor.setDaemon(true);
      acceptor.start();
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void accept(ServerSocket from) {
    while (!from.isClosed()) {
      try {
        Socket client = from.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        if (from.isClosed()) {
          return; // cut or closed: the test's doing
        }
      }
    }
  }

  private void pump(Socket in, Socket out) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream input = in.getInputStream();
                  OutputStream output = out.getOutputStream()) {
                for (int n = input.read(buffer); n >= 0; n = input.read(buffer)) {
                  output.write(buffer, 0, n);
                  output.flush();
                }
              } catch (IOException e) {
                // One side closed: close the other too, below.
              } finally {
                closeQuietly(in);
                closeQuietly(out);
              }
            },
            "cuttable-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing is best effort: the socket may be closed already.
    }
  }

  @Override
  public void close() {
    cut();
  }
}
