package io.parley.server.transport;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * Reassembles the frames of one {@link ServerWebSocket} into whole messages under a size limit, as
 * the reference server's {@code ws} does with {@code maxPayload}: a message over the limit closes
 * the socket with 1009. Confined to the socket's event loop.
 */
public final class WebSocketMessages implements Handler<WebSocketFrame> {
  /** RFC 6455: the message is too big to process. */
  private static final short CLOSE_TOO_BIG = 1009;

  /** Receives whole messages: a {@code String} for text, a {@code byte[]} for binary. */
  public interface Receiver {
    void onText(String text);

    void onBinary(byte[] data);
  }

  private final ServerWebSocket socket;
  private final int maxBytes;
  private final Receiver receiver;
  private Buffer partial;
  private boolean partialIsText;
  private boolean closed;

  private WebSocketMessages(ServerWebSocket socket, int maxBytes, Receiver receiver) {
    this.socket = socket;
    this.maxBytes = maxBytes;
    this.receiver = receiver;
  }

  /** Starts delivering the messages of {@code socket} to {@code receiver}. */
  public static void attach(ServerWebSocket socket, int maxBytes, Receiver receiver) {
    socket.frameHandler(new WebSocketMessages(socket, maxBytes, receiver));
  }

  @Override
  public void handle(WebSocketFrame frame) {
    if (closed || !(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return;
    }
    if (!frame.isContinuation()) {
      partial = Buffer.buffer();
      partialIsText = frame.isText();
    } else if (partial == null) {
      return; // a continuation without a start; the codec would have rejected it already
    }
    partial.appendBuffer(frame.binaryData());
    if (partial.length() > maxBytes) {
      closed = true;
      partial = null;
      socket.close(CLOSE_TOO_BIG, "Max payload size exceeded");
      return;
    }
    if (frame.isFinal()) {
      Buffer whole = partial;
      partial = null;
      if (partialIsText) {
        receiver.onText(whole.toString(StandardCharsets.UTF_8));
      } else {
        receiver.onBinary(whole.getBytes());
      }
    }
  }
}
