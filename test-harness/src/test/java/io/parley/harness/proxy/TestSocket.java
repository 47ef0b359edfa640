package io.parley.harness.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A blocking loopback client socket whose reads give up after {@link #READ_LIMIT}, so a broken
 * proxy fails a test instead of hanging it. Not thread-safe.
 */
final class TestSocket implements AutoCloseable {

  static final Duration READ_LIMIT = Duration.ofSeconds(10);

  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private TestSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static TestSocket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout((int) READ_LIMIT.toMillis());
    socket.setTcpNoDelay(true);
    return new TestSocket(socket);
  }

  static TestSocket connect(FaultProxy proxy) throws IOException {
    return connect(proxy.port());
  }

  void write(String text) throws IOException {
    write(text.getBytes(StandardCharsets.UTF_8));
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads exactly {@code n} bytes. */
  byte[] readExactly(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new IOException("EOF after " + bytes.length + " of " + n + " bytes");
    }
    return bytes;
  }

  String readString(int n) throws IOException {
    return new String(readExactly(n), StandardCharsets.UTF_8);
  }

  /** One read: what has arrived, at least one byte; -1 as an empty array at EOF. */
  byte[] readOnce() throws IOException {
    byte[] buffer = new byte[64 * 1024];
    int n = in.read(buffer);
    return n < 0 ? new byte[0] : java.util.Arrays.copyOf(buffer, n);
  }

  /** Reads one HTTP/1.1 response framed by {@code Content-Length}: head and body, as text. */
  String readHttpResponse() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("EOF inside a response head: " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    java.util.regex.Matcher length =
        java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text);
    int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
    return text + new String(readExactly(bodyLength), StandardCharsets.ISO_8859_1);
  }

  /** Reads until EOF or a read error; returns what arrived and how it ended. */
  Outcome readToEnd() {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        received.write(buffer, 0, n);
      }
      return new Outcome(received.toString(StandardCharsets.UTF_8), null);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("Nothing ended the stream within " + READ_LIMIT, e);
    } catch (IOException e) {
      return new Outcome(received.toString(StandardCharsets.UTF_8), e);
    }
  }

  /** Whether a read would return now: data, EOF or an error is pending. Never blocks long. */
  boolean readable() throws IOException {
    return in.available() > 0;
  }

  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /**
   * How a stream ended.
   *
   * @param received everything read before the end
   * @param error null for a clean EOF, else the read error (such as "Connection reset")
   */
  record Outcome(String received, IOException error) {
    boolean wasReset() {
      return error != null && String.valueOf(error.getMessage()).contains("reset");
    }

    boolean endedCleanly() {
      return error == null;
    }
  }
}
