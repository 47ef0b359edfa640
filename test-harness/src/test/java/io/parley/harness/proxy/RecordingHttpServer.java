package io.parley.harness.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP/1.1 server on an ephemeral port that records every request it reads, raw, and
 * answers like a WebSocket endpoint: {@code 101} to an upgrade, {@code 400} to a plain GET of
 * {@code /ws}, {@code 200} with a description of the request otherwise. Keep-alive and pipelining
 * work; bodies use {@code Content-Length}. Thread-safe; a thread per connection (a test fixture).
 */
final class RecordingHttpServer implements AutoCloseable {

  /** A request as the server read it: the head exactly as received, and the body. */
  record Recorded(String head, String body) {
    boolean hasHeader(String name) {
      return head.toLowerCase(Locale.ROOT).contains("\r\n" + name.toLowerCase(Locale.ROOT) + ":");
    }
  }

  private final ServerSocket server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  RecordingHttpServer() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::acceptLoop, "http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  List<Recorded> requests() {
    return requests;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        sockets.add(socket);
        Thread thread = new Thread(() -> serve(socket), "http-" + socket.getPort());
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        if (!server.isClosed()) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      String head;
      while ((head = readHead(in)) != null) {
        String lower = head.toLowerCase(Locale.ROOT);
        int length = contentLength(lower);
        String body = new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
        requests.add(new Recorded(head, body));
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        if (lower.contains("\r\nupgrade: websocket")) {
          out.write(
              ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      + "Connection: Upgrade\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          return;
        }
        if (requestLine.startsWith("GET /ws ")) {
          respond(out, 400, "Bad Request", "not a websocket handshake");
        } else {
          respond(out, 200, "OK", requestLine + " body=" + body);
        }
      }
    } catch (IOException e) {
      // The proxy closing or resetting the connection is what several tests do on purpose.
      System.getLogger(RecordingHttpServer.class.getName())
          .log(System.Logger.Level.DEBUG, "connection ended: " + e);
    }
  }

  private static void respond(OutputStream out, int status, String reason, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
    out.write(
        ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Length: " + bytes.length + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      String text = head.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r\n\r\n")) {
        return text;
      }
    }
    return null;
  }

  private static int contentLength(String lowerHead) {
    int at = lowerHead.indexOf("\r\ncontent-length:");
    if (at < 0) {
      return 0;
    }
    int end = lowerHead.indexOf("\r\n", at + 2);
    return Integer.parseInt(lowerHead.substring(at + 17, end).strip());
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
