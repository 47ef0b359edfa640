package io.parley.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A WebSocket client over a plain socket, for tests that must see frames as they are on the wire
 * (the RSV1 bit of permessage-deflate, compressed payload sizes), which the JDK's and Vert.x's
 * clients hide. Offers permessage-deflate when asked to, inflates with one inflater kept for the
 * socket's life (context takeover on the client side, as browsers do). Blocking, with a read
 * timeout; confined to the test thread.
 */
public final class RawWebSocket implements AutoCloseable {
  /** One message as received. */
  public record Message(boolean compressed, int wireBytes, String text) {}

  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final String extensions;
  private final Inflater inflater = new Inflater(true);
  private final Random masks = new Random(7);

  private RawWebSocket(Socket socket, String extensions) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
    this.extensions = extensions;
  }

  /**
   * Opens {@code pathAndQuery} on the HTTP {@code base}, offering {@code permessage-deflate} when
   * {@code offerDeflate}.
   */
  public static RawWebSocket open(String base, String pathAndQuery, boolean offerDeflate)
      throws IOException {
    URI uri = URI.create(base);
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(10_000);
    String key = Base64.getEncoder().encodeToString("parley-raw-ws-16".getBytes());
    String request =
        "GET "
            + pathAndQuery
            + " HTTP/1.1\r\nHost: "
            + uri.getHost()
            + ":"
            + uri.getPort()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + key
            + "\r\nSec-WebSocket-Version: 13\r\n"
            + (offerDeflate
                ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                : "")
            + "\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    String head = readHead(socket.getInputStream());
    if (!head.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("upgrade refused: " + head);
    }
    String extensions = null;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("sec-websocket-extensions:")) {
        extensions = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return new RawWebSocket(socket, extensions);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the handshake: " + head);
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** The {@code Sec-WebSocket-Extensions} the server answered, or {@code null}. */
  public String extensions() {
    return extensions;
  }

  /** Sends a text message, masked, uncompressed. */
  public void send(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    masks.nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** The next text message (control frames other than close are skipped). */
  public Message receive() throws IOException, DataFormatException {
    while (true) {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      boolean rsv1 = (first & 0x40) != 0;
      int opcode = first & 0x0f;
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      if (opcode == 0x8) {
        throw new IOException("closed by the server");
      }
      if (opcode != 0x1) {
        continue;
      }
      if ((first & 0x80) == 0) {
        throw new IOException("fragmented message; this client reads single frames only");
      }
      String text = new String(rsv1 ? inflate(payload) : payload, StandardCharsets.UTF_8);
      return new Message(rsv1, payload.length, text);
    }
  }

  private byte[] inflate(byte[] payload) throws DataFormatException {
    byte[] input = new byte[payload.length + TAIL.length];
    System.arraycopy(payload, 0, input, 0, payload.length);
    System.arraycopy(TAIL, 0, input, payload.length, TAIL.length);
    inflater.setInput(input);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    while (true) {
      int n = inflater.inflate(chunk);
      text.write(chunk, 0, n);
      if (n == 0) {
        if (inflater.needsInput() || inflater.finished()) {
          return text.toByteArray();
        }
        throw new DataFormatException("the inflater is stuck (needs a dictionary?)");
      }
    }
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    socket.close();
  }
}
