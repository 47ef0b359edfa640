package io.parley.harness.bench;

import com.fasterxml.jackson.databind.node.TextNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * One load connection: a raw WebSocket speaking just enough of a protocol to subscribe, publish
 * with an acknowledgment and receive messages, parsing as little as it can so the load generator is
 * never the bottleneck. Confined to the Vert.x event loop that owns its socket; not thread-safe.
 */
abstract class BenchConnection {
  /** Receives every channel message this connection gets. Called on the event loop. */
  interface MessageListener {
    /**
     * @param channelIndex the index of the channel in this connection's subscriptions
     * @param seq the message's sequence number
     * @param sentNanos the publisher's {@code System.nanoTime()} stamped in the data
     */
    void onMessage(BenchConnection connection, String channel, long seq, long sentNanos);
  }

  private final Map<Long, Promise<Long>> pendingAcks = new HashMap<>();
  private long nextAckId = 1;
  private Context context;
  private volatile boolean closed;
  protected final String clientId;
  protected final String token;
  protected WebSocket socket;
  protected MessageListener listener = (connection, channel, seq, sentNanos) -> {};

  /**
   * @param token the JWT to present in the handshake, or null for none
   */
  BenchConnection(String clientId, String token) {
    this.clientId = clientId;
    this.token = token;
  }

  /**
   * The handshake's JSON members after {@code {}: the client id, and the token when there is one.
   */
  protected final String identityFields() {
    String fields = "\"clientId\":" + TextNode.valueOf(clientId);
    return token == null ? fields : fields + ",\"token\":" + TextNode.valueOf(token);
  }

  void listen(MessageListener listener) {
    this.listener = listener;
  }

  /**
   * Takes over a connected socket on its own event loop, which every later call must run on (see
   * {@link #run}).
   */
  final Future<Void> open(WebSocket socket) {
    this.context = Vertx.currentContext();
    this.socket = socket;
    socket.closeHandler(v -> closed = true);
    return handshake();
  }

  /** Whether the socket has closed since {@link #open} (the server dropped it); any thread. */
  final boolean isClosed() {
    return closed;
  }

  /** Runs {@code action} on this connection's event loop. */
  final void run(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  /** Completes when the protocol handshake is done and the connection can subscribe. */
  protected abstract Future<Void> handshake();

  /**
   * Subscribes live to {@code channel}; completes with the channel's seq when the server confirmed
   * it.
   */
  final Future<Long> subscribe(String channel) {
    Promise<Long> promise = Promise.promise();
    long id = expectAck(promise);
    socket.writeTextMessage(subscribeText(id, "{\"channel\":\"" + channel + "\"}"));
    return promise.future();
  }

  /**
   * Publishes {@code {"t": sentNanos, "i": index}} followed by {@code padding} (a {@link
   * BenchPayload} member, or {@code ""}); completes with the seq when acknowledged.
   */
  final Future<Long> publish(String channel, long sentNanos, long index, String padding) {
    Promise<Long> promise = Promise.promise();
    long id = expectAck(promise);
    String fields =
        "\"id\":\""
            + clientId
            + "-"
            + id
            + "\",\"channel\":\""
            + channel
            + "\",\"event\":\"bench\",\"data\":{\"t\":"
            + sentNanos
            + ",\"i\":"
            + index
            + padding
            + "}";
    socket.writeTextMessage(publishText(id, fields));
    return promise.future();
  }

  /** The subscribe request with ack {@code id} for {@code request}, {@code {"channel":…}}. */
  protected abstract String subscribeText(long id, String request);

  /** The publish request with ack {@code id} and the payload members {@code fields}. */
  protected abstract String publishText(long id, String fields);

  /** Reports a channel message (native frame or Socket.IO event text) to the listener. */
  protected final void deliver(String text) {
    listener.onMessage(
        this,
        stringAfter(text, "\"channel\":\""),
        longAfter(text, "\"seq\":", 0),
        longAfter(text, "\"t\":", 0));
  }

  /** The ack id in a publish id this connection made ({@code <clientId>-<ack id>}). */
  static long ackIdOf(String publishId) {
    return Long.parseLong(publishId.substring(publishId.lastIndexOf('-') + 1));
  }

  void close() {
    if (socket != null && !socket.isClosed()) {
      socket.close();
    }
  }

  /** Registers an acknowledgment to wait for; returns its id. */
  protected long expectAck(Promise<Long> promise) {
    long id = nextAckId++;
    pendingAcks.put(id, promise);
    return id;
  }

  /** Completes a registered acknowledgment with {@code value}. */
  protected void acked(long id, long value) {
    Promise<Long> promise = pendingAcks.remove(id);
    if (promise != null) {
      promise.tryComplete(value);
    }
  }

  /** Fails a registered acknowledgment. */
  protected void refused(long id, String why) {
    Promise<Long> promise = pendingAcks.remove(id);
    if (promise != null) {
      promise.tryFail(why);
    }
  }

  /** The long after {@code key} in {@code text} (e.g. {@code "seq":}), or -1. */
  static long longAfter(String text, String key, int from) {
    int at = text.indexOf(key, from);
    if (at < 0) {
      return -1;
    }
    int i = at + key.length();
    long value = 0;
    boolean any = false;
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
      any = true;
    }
    return any ? value : -1;
  }

  /** The string value after {@code key} (e.g. {@code "channel":"}), or null. */
  static String stringAfter(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      return null;
    }
    int start = at + key.length();
    int end = text.indexOf('"', start);
    return end < 0 ? null : text.substring(start, end);
  }
}
