package io.parley.client.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.internal.transport.ClientTransport;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One scripted connection of a {@link FakeTransport}: records what the client sends and lets the
 * test play the server. Thread-safe.
 */
final class FakeConnection implements ClientTransport.Connection {
  static final ServerFrame.Heartbeat HEARTBEAT = new ServerFrame.Heartbeat(25_000, 20_000);

  final URI server;
  final Transport kind;
  final ClientTransport.ConnectRequest request;
  private final ClientTransport.Listener listener;
  private final List<ClientFrame> sent = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  FakeConnection(
      URI server,
      Transport kind,
      ClientTransport.ConnectRequest request,
      ClientTransport.Listener listener) {
    this.server = server;
    this.kind = kind;
    this.request = request;
    this.listener = listener;
  }

  @Override
  public boolean send(ClientFrame frame) {
    if (closed) {
      return false;
    }
    sent.add(frame);
    return true;
  }

  @Override
  public void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  // ------------------------------------------------------------------ the server's side

  void welcome() {
    welcome(HEARTBEAT);
  }

  void welcome(ServerFrame.Heartbeat heartbeat) {
    listener.onFrame(new ServerFrame.Welcome("session-" + kind, heartbeat, "node-1"));
  }

  void frame(ServerFrame frame) {
    listener.onFrame(frame);
  }

  void message(String channel, String epoch, long seq) {
    listener.onFrame(
        new ServerFrame.Message(
            channel, epoch, seq, "tick", JsonNodeFactory.instance.numberNode(seq), 1_000 + seq));
  }

  /** Confirms the last subscribe sent for {@code channel}. */
  void confirm(String channel, Position position) {
    ClientFrame.Subscribe subscribe = lastSubscribe(channel);
    listener.onFrame(new ServerFrame.Subscribed(subscribe.id(), channel, position, true));
  }

  void ack(String publishId, long seq) {
    listener.onFrame(new ServerFrame.Ack(publishId, seq, "e1"));
  }

  void ackWithEpoch(String publishId, long seq, String epoch) {
    listener.onFrame(new ServerFrame.Ack(publishId, seq, epoch));
  }

  void error(String id, ErrorCode code) {
    listener.onFrame(ServerFrame.Error.of(id, code, code + " for " + id, null));
  }

  void drop(String reason) {
    listener.onClosed(new ConnectionException(reason, kind, null, null));
  }

  /** Refuses or drops the connection as a busy server does: 503 with {@code Retry-After}. */
  void busy(Duration retryAfter) {
    listener.onClosed(
        new ConnectionException("HTTP 503", kind, ErrorCode.SERVER_UNAVAILABLE, null, retryAfter));
  }

  void rejectToken(ErrorCode code) {
    listener.onClosed(new AuthenticationException("token rejected", code, kind));
  }

  // ------------------------------------------------------------------ what the client sent

  List<ClientFrame> sent() {
    return new ArrayList<>(sent);
  }

  <T extends ClientFrame> List<T> sent(Class<T> type) {
    List<T> frames = new ArrayList<>();
    for (ClientFrame frame : sent) {
      if (type.isInstance(frame)) {
        frames.add(type.cast(frame));
      }
    }
    return frames;
  }

  ClientFrame.Subscribe lastSubscribe(String channel) {
    List<ClientFrame.Subscribe> subscribes = sent(ClientFrame.Subscribe.class);
    for (int i = subscribes.size() - 1; i >= 0; i--) {
      if (subscribes.get(i).channel().equals(channel)) {
        return subscribes.get(i);
      }
    }
    throw new AssertionError("no subscribe to " + channel + " was sent on " + kind + ": " + sent);
  }

  @Override
  public String toString() {
    return "FakeConnection[" + kind + (closed ? ", closed" : "") + "]";
  }
}
