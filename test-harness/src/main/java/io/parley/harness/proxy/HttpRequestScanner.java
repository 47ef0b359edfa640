package io.parley.harness.proxy;

import io.parley.harness.fault.UpgradeFilter;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds HTTP/1.1 request boundaries in a client's byte stream and rewrites or refuses WebSocket
 * upgrade requests; everything else passes byte for byte. Not thread-safe; one per connection.
 *
 * <p>Only request heads are buffered, up to {@link #MAX_HEAD_BYTES}: a head that grows past that is
 * forwarded as is and the scanner stops looking at the connection (a real proxy would answer 431;
 * passing it on keeps the fault from hiding other problems). Bodies are forwarded as they arrive,
 * delimited by {@code Content-Length} or chunked encoding, so pipelined requests are found. A head
 * may arrive in any number of reads.
 */
final class HttpRequestScanner {

  private static final System.Logger LOG = System.getLogger(HttpRequestScanner.class.getName());

  /** The largest request head held while looking for its end, in bytes. */
  static final int MAX_HEAD_BYTES = 64 * 1024;

  /** The longest chunk-size line read, in bytes; longer ones end the inspection. */
  private static final int MAX_CHUNK_LINE_BYTES = 1024;

  /** What the scanner does with the bytes it has looked at. */
  interface Output {
    /** Sends {@code bytes} on towards the server. */
    void forward(ByteBuffer bytes);

    /** An upgrade request arrived in {@link UpgradeFilter.Mode#REFUSE} mode; nothing follows. */
    void refuse();
  }

  private enum State {
    HEAD,
    BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    TRAILER,
    PASSTHROUGH,
    DROP
  }

  private final UpgradeFilter.Mode mode;
  private final int maxHeadBytes;
  private final ByteArrayOutputStream head = new ByteArrayOutputStream();
  private final StringBuilder chunkLine = new StringBuilder();
  private State state = State.HEAD;
  private int lineLength;
  private boolean sawRequestLine;
  private long remaining;

  HttpRequestScanner(UpgradeFilter.Mode mode, int maxHeadBytes) {
    this.mode = mode;
    this.maxHeadBytes = maxHeadBytes;
  }

  /** Bytes held: a request head whose end has not arrived. */
  long held() {
    return head.size();
  }

  /** Whether the scanner gave up on this connection and forwards everything untouched. */
  boolean passingThrough() {
    return state == State.PASSTHROUGH;
  }

  /** Scans {@code data}, forwarding or rewriting as it goes. */
  void feed(ByteBuffer data, Output out) {
    while (data.hasRemaining()) {
      switch (state) {
        case HEAD -> scanHead(data, out);
        case BODY, CHUNK_DATA -> forwardCounted(data, out);
        case CHUNK_SIZE -> scanChunkSize(data, out);
        case CHUNK_DATA_END -> forwardLine(data, out, State.CHUNK_SIZE);
        case TRAILER -> scanTrailer(data, out);
        case PASSTHROUGH -> {
          out.forward(data.slice());
          data.position(data.limit());
        }
        case DROP ->
            // After a refusal the connection is closing; what the client sent after is discarded.
            data.position(data.limit());
      }
    }
  }

  /** Forwards a partly read head, if any: the stream ended or the filter was removed. */
  void finish(Output out) {
    if (head.size() > 0 && state != State.DROP) {
      out.forward(ByteBuffer.wrap(head.toByteArray()));
    }
    head.reset();
    state = State.PASSTHROUGH;
  }

  private void scanHead(ByteBuffer data, Output out) {
    while (data.hasRemaining()) {
      byte b = data.get();
      head.write(b);
      if (b == '\n') {
        if (lineLength == 0 && sawRequestLine) {
          completeHead(out);
          return;
        }
        sawRequestLine |= lineLength > 0;
        lineLength = 0;
      } else if (b != '\r') {
        lineLength++;
      }
      if (head.size() > maxHeadBytes) {
        LOG.log(
            Level.DEBUG,
            () -> "Request head over " + maxHeadBytes + " bytes; no longer inspecting");
        forwardHeadAsIs(out);
        state = State.PASSTHROUGH;
        return;
      }
    }
  }

  private void completeHead(Output out) {
    byte[] bytes = head.toByteArray();
    head.reset();
    lineLength = 0;
    sawRequestLine = false;
    RequestHead request = RequestHead.parse(new String(bytes, StandardCharsets.ISO_8859_1));
    if (request == null) {
      LOG.log(Level.DEBUG, "Not an HTTP/1.x request head; no longer inspecting");
      out.forward(ByteBuffer.wrap(bytes));
      state = State.PASSTHROUGH;
      return;
    }
    if (request.isWebSocketUpgrade()) {
      if (mode == UpgradeFilter.Mode.REFUSE) {
        state = State.DROP;
        out.refuse();
        return;
      }
      out.forward(ByteBuffer.wrap(request.withoutUpgrade().getBytes(StandardCharsets.ISO_8859_1)));
    } else {
      out.forward(ByteBuffer.wrap(bytes));
      if (request.switchesProtocol()) {
        state = State.PASSTHROUGH;
        return;
      }
    }
    state = request.bodyState();
    remaining = request.contentLength;
  }

  private void forwardHeadAsIs(Output out) {
    out.forward(ByteBuffer.wrap(head.toByteArray()));
    head.reset();
  }

  private void forwardCounted(ByteBuffer data, Output out) {
    int n = (int) Math.min(remaining, data.remaining());
    out.forward(take(data, n));
    remaining -= n;
    if (remaining == 0) {
      state = state == State.BODY ? State.HEAD : State.CHUNK_DATA_END;
    }
  }

  private void scanChunkSize(ByteBuffer data, Output out) {
    int start = data.position();
    while (data.hasRemaining()) {
      byte b = data.get();
      if (b == '\n') {
        forwardFrom(data, start, out);
        onChunkSizeLine(chunkLine.toString());
        chunkLine.setLength(0);
        return;
      }
      chunkLine.append((char) (b & 0xff));
      if (chunkLine.length() > MAX_CHUNK_LINE_BYTES) {
        forwardFrom(data, start, out);
        state = State.PASSTHROUGH;
        return;
      }
    }
    forwardFrom(data, start, out);
  }

  private void onChunkSizeLine(String line) {
    String size = line.strip();
    int extension = size.indexOf(';');
    if (extension >= 0) {
      size = size.substring(0, extension).strip();
    }
    try {
      remaining = Long.parseLong(size, 16);
    } catch (NumberFormatException e) {
      LOG.log(Level.DEBUG, () -> "Bad chunk size '" + line.strip() + "'; no longer inspecting");
      state = State.PASSTHROUGH;
      return;
    }
    if (remaining < 0) {
      state = State.PASSTHROUGH;
    } else if (remaining == 0) {
      lineLength = 0;
      state = State.TRAILER;
    } else {
      state = State.CHUNK_DATA;
    }
  }

  private void forwardLine(ByteBuffer data, Output out, State after) {
    int start = data.position();
    while (data.hasRemaining()) {
      if (data.get() == '\n') {
        state = after;
        break;
      }
    }
    forwardFrom(data, start, out);
  }

  private void scanTrailer(ByteBuffer data, Output out) {
    int start = data.position();
    while (data.hasRemaining()) {
      byte b = data.get();
      if (b == '\n') {
        if (lineLength == 0) {
          state = State.HEAD;
          break;
        }
        lineLength = 0;
      } else if (b != '\r') {
        lineLength++;
      }
    }
    forwardFrom(data, start, out);
  }

  private static void forwardFrom(ByteBuffer data, int start, Output out) {
    if (data.position() > start) {
      out.forward(data.slice(start, data.position() - start));
    }
  }

  private static ByteBuffer take(ByteBuffer data, int n) {
    ByteBuffer piece = data.slice(data.position(), n);
    data.position(data.position() + n);
    return piece;
  }

  /** A parsed request head: its raw lines and what framing and upgrade they announce. */
  private static final class RequestHead {
    private final List<String> lines;
    private final String method;
    private final List<String> upgrades = new ArrayList<>();
    private final List<String> connectionTokens = new ArrayList<>();
    private String transferEncoding;
    private long contentLength;
    private boolean badLength;

    private RequestHead(List<String> lines, String method) {
      this.lines = lines;
      this.method = method;
    }

    /** Null when the text is not an HTTP/1.x request head. */
    static RequestHead parse(String text) {
      List<String> lines = splitKeepingEndings(text);
      int first = 0;
      while (first < lines.size() && lines.get(first).isBlank()) {
        first++;
      }
      if (first == lines.size()) {
        return null;
      }
      String[] requestLine = lines.get(first).strip().split(" ");
      if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
        return null;
      }
      RequestHead head = new RequestHead(lines, requestLine[0]);
      String previousName = null;
      for (int i = first + 1; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(':');
        boolean folded = Character.isWhitespace(lines.get(i).charAt(0));
        if (folded && previousName != null) {
          head.onHeader(previousName, line);
          continue;
        }
        if (colon <= 0) {
          return null;
        }
        previousName = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        head.onHeader(previousName, line.substring(colon + 1).strip());
      }
      return head;
    }

    private void onHeader(String name, String value) {
      switch (name) {
        case "upgrade" -> upgrades.addAll(tokens(value));
        case "connection" -> connectionTokens.addAll(tokens(value));
        case "transfer-encoding" -> transferEncoding = value.toLowerCase(Locale.ROOT);
        case "content-length" -> {
          try {
            long length = Long.parseLong(value.strip());
            badLength |= length < 0 || (contentLength != 0 && contentLength != length);
            contentLength = length;
          } catch (NumberFormatException e) {
            badLength = true;
          }
        }
        default -> {
          // Other headers do not affect framing or upgrades.
        }
      }
    }

    boolean isWebSocketUpgrade() {
      return upgrades.stream().anyMatch(token -> token.split("/")[0].equals("websocket"));
    }

    /** After this request the connection may stop carrying HTTP. */
    boolean switchesProtocol() {
      return method.equals("CONNECT")
          || (!upgrades.isEmpty() && connectionTokens.contains("upgrade"));
    }

    State bodyState() {
      if (transferEncoding != null) {
        // RFC 9112 6.3: chunked last means chunked; any other coding runs until the connection
        // closes, so there are no more request boundaries to find.
        return transferEncoding.endsWith("chunked") ? State.CHUNK_SIZE : State.PASSTHROUGH;
      }
      if (badLength) {
        return State.PASSTHROUGH;
      }
      return contentLength > 0 ? State.BODY : State.HEAD;
    }

    /** The head without Upgrade, Sec-WebSocket-* and the upgrade token of Connection. */
    String withoutUpgrade() {
      StringBuilder out = new StringBuilder();
      boolean dropping = false;
      boolean inHeaders = false;
      for (String raw : lines) {
        String line = raw.strip();
        if (!inHeaders) {
          out.append(raw);
          inHeaders = !line.isEmpty();
          continue;
        }
        if (line.isEmpty()) {
          out.append(raw);
          continue;
        }
        if (Character.isWhitespace(raw.charAt(0))) {
          if (!dropping) {
            out.append(raw);
          }
          continue;
        }
        int colon = line.indexOf(':');
        String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        dropping = name.equals("upgrade") || name.startsWith("sec-websocket-");
        if (name.equals("connection")) {
          List<String> kept = new ArrayList<>();
          for (String token : line.substring(colon + 1).split(",")) {
            if (!token.strip().equalsIgnoreCase("upgrade") && !token.isBlank()) {
              kept.add(token.strip());
            }
          }
          dropping = kept.isEmpty();
          if (!dropping) {
            out.append(line, 0, colon).append(": ").append(String.join(", ", kept));
            out.append(raw.endsWith("\r\n") ? "\r\n" : "\n");
          }
          continue;
        }
        if (!dropping) {
          out.append(raw);
        }
      }
      return out.toString();
    }

    private static List<String> tokens(String value) {
      List<String> tokens = new ArrayList<>();
      for (String token : value.split(",")) {
        if (!token.isBlank()) {
          tokens.add(token.strip().toLowerCase(Locale.ROOT));
        }
      }
      return tokens;
    }

    private static List<String> splitKeepingEndings(String text) {
      List<String> lines = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          lines.add(text.substring(start, i + 1));
          start = i + 1;
        }
      }
      if (start < text.length()) {
        lines.add(text.substring(start));
      }
      return lines;
    }
  }
}
