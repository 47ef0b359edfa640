package io.parley.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.Deflater;

/**
 * Outbound permessage-deflate (RFC 7692) done by Parley instead of by a compressor per connection,
 * so that a message fanned out to many WebSockets is deflated once ({@link SharedText}). One
 * instance per socket (or the shared {@link #PLAIN}, which writes through Vert.x's own API).
 *
 * <p>Each message is deflated on its own, without context takeover (the deflater is reset before
 * every message), which any peer that negotiated permessage-deflate can inflate whether or not it
 * asked for {@code server_no_context_takeover}. Netty's per-connection encoder, which would
 * compress every frame with its own context, is taken out of the pipeline once the handshake has
 * negotiated the extension ({@link #forSocket}); its decoder stays for what the peer sends. A
 * deflated message is written as one text frame with RSV1 set through Vert.x's connection, the same
 * path and write queue as Vert.x's own frames, so {@code writeQueueFull} and drain handlers count
 * it. Immutable and thread-safe; {@link #write} runs on the socket's event loop.
 */
public final class WebSocketDeflate {
  /** RFC 7692 7.2.1: a sync flush ends with these four bytes, which the sender removes. */
  private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

  /** One deflater per thread (event loops), reset before every message. */
  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));

  /** Messages deflated since startup, all sockets; read by tests to count the work. */
  static final LongAdder DEFLATED = new LongAdder();

  /** A socket that did not negotiate permessage-deflate: everything goes out plain. */
  public static final WebSocketDeflate PLAIN = new WebSocketDeflate(null, Integer.MAX_VALUE);

  /** The socket's connection, which deflated frames are written to; null for {@link #PLAIN}. */
  private final ConnectionBase connection;

  /** Bytes from which a message is deflated; {@link Integer#MAX_VALUE} for never. */
  private final int threshold;

  private WebSocketDeflate(ConnectionBase connection, int threshold) {
    this.connection = connection;
    this.threshold = threshold;
  }

  /**
   * How the WebSocket {@code upgraded} became is written to: if its handshake negotiated
   * permessage-deflate, outbound compression is taken over (Netty's per-connection encoder is
   * removed) and messages of at least {@code threshold} bytes go out deflated; otherwise every
   * message goes out plain. Either way a {@link SharedText} is written from its shared UTF-8 bytes,
   * not encoded again per socket. Call once, right after the handshake. Where the connection is not
   * Vert.x's {@code ConnectionBase} (another Vert.x), nothing is taken over and the result is
   * {@link #PLAIN}.
   */
  public static WebSocketDeflate forSocket(HttpServerRequest upgraded, int threshold) {
    if (!(upgraded.connection() instanceof ConnectionBase connection)) {
      return PLAIN;
    }
    ChannelPipeline pipeline = connection.channel().pipeline();
    boolean negotiated = false;
    for (Map.Entry<String, ChannelHandler> handler : pipeline) {
      if (handler.getValue() instanceof WebSocketExtensionEncoder) {
        pipeline.remove(handler.getValue());
        negotiated = true;
      }
    }
    return new WebSocketDeflate(connection, negotiated ? threshold : Integer.MAX_VALUE);
  }

  /**
   * Whether {@code ws}'s write queue is full, from any thread. A socket that closed meanwhile
   * counts as not full: Vert.x's own {@code writeQueueFull} throws for it, which in the middle of a
   * fan-out would fail the message for every other subscriber; a write to it fails quietly and its
   * close handler ends the session.
   */
  public static boolean writeQueueFull(ServerWebSocket ws) {
    try {
      return ws.writeQueueFull();
    } catch (IllegalStateException closed) {
      return false;
    }
  }

  /** Whether messages of at least the threshold go out deflated (the socket negotiated it). */
  public boolean deflates() {
    return threshold != Integer.MAX_VALUE;
  }

  /**
   * Writes {@code text} to {@code ws}: deflated, from its shared deflated form, when it is at least
   * the threshold; plain otherwise, from its shared UTF-8 bytes (the bytes are wrapped, not copied:
   * a message fanned out to many sockets is encoded once). On the socket's event loop.
   */
  public void write(ServerWebSocket ws, SharedText text) {
    if (connection == null) {
      ws.writeTextMessage(text.text());
      return;
    }
    if (ws.isClosed()) {
      return; // as Vert.x's own writes to a closed socket: nothing goes out
    }
    byte[] utf8 = text.utf8();
    connection.writeToChannel(
        utf8.length < threshold
            ? new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8))
            : new TextWebSocketFrame(
                true, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(text.deflated())));
  }

  /**
   * Writes {@code text}, which no other socket shares, as {@link #write(ServerWebSocket,
   * SharedText)}.
   */
  public void write(ServerWebSocket ws, String text) {
    if (!deflates() || (long) text.length() * 3 < threshold) {
      ws.writeTextMessage(text); // under the threshold even if every char took three bytes
      return;
    }
    write(ws, new SharedText(text));
  }

  /** {@code utf8} deflated as one permessage-deflate message, without context takeover. */
  static byte[] deflate(byte[] utf8) {
    DEFLATED.increment();
    Deflater deflater = DEFLATERS.get();
    deflater.reset();
    deflater.setInput(utf8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, utf8.length / 4));
    byte[] chunk = new byte[Math.max(256, Math.min(utf8.length, 16 * 1024))];
    int written;
    do {
      written = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
      out.write(chunk, 0, written);
    } while (written == chunk.length || !deflater.needsInput());
    byte[] flushed = out.toByteArray();
    // A sync flush always ends with the empty stored block 00 00 ff ff; drop it (7.2.1).
    if (flushed.length >= TAIL.length
        && Arrays.equals(
            flushed, flushed.length - TAIL.length, flushed.length, TAIL, 0, TAIL.length)) {
      return Arrays.copyOf(flushed, flushed.length - TAIL.length);
    }
    return flushed;
  }
}
