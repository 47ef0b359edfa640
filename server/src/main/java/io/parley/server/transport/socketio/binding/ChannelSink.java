package io.parley.server.transport.socketio.binding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.server.events.Connection;
import io.parley.server.events.DisconnectReason;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.Session;
import io.parley.server.hub.SessionSink;
import io.parley.server.logging.FrameTrace;
import io.parley.server.metrics.DeliveryCounters;
import io.parley.server.transport.socketio.Ack;
import io.parley.server.transport.socketio.NamespaceSocket;
import io.parley.server.transport.socketio.SocketJson;
import io.parley.server.transport.socketio.SocketPacket;
import io.parley.server.transport.socketio.SocketPacketType;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub's way back to one Socket.IO client on namespace {@code /}: channel messages become {@code
 * message} events, {@code subscribed}/{@code unsubscribed} frames and refusals answer the acks of
 * the requests that caused them, {@code gap} becomes a {@code gap} event. Thread-safe: the hub
 * calls it from any thread, sometimes under a channel lock; every method only enqueues on the
 * connection's bounded outbound queue.
 */
final class ChannelSink implements SessionSink {
  private final NamespaceSocket socket;
  private final DeliveryCounters deliveries;

  /** The connection as events describe it; replaced when it upgrades to WebSocket. */
  private volatile Connection connection;

  /** Where this connection's frames are traced, or {@code null} (nearly always): not traced. */
  private volatile FrameTrace trace;

  /** The refusal the server closed with, or {@code null} when the peer ended it. */
  private volatile ErrorCode closedWith;

  /** The hub session this sink serves; set once, on the home event loop, right after opening. */
  private Session session;

  /** The last request id; only the socket's event handlers, on its home event loop, count. */
  private long requestIds;

  /**
   * Acks awaiting the hub's answer, by request id; each entry is removed by that answer. Created by
   * the first request with an ack, since an idle connection never makes one.
   */
  private volatile ConcurrentHashMap<String, Ack> pending;

  ChannelSink(NamespaceSocket socket, DeliveryCounters deliveries) {
    this.socket = socket;
    this.deliveries = deliveries;
  }

  /** The connection as events describe it; {@code null} until the session opened. */
  Connection connection() {
    return connection;
  }

  void connection(Connection connection) {
    this.connection = connection;
  }

  /** Traces this connection's frames with {@code frames} from now on. */
  void trace(FrameTrace frames) {
    this.trace = frames;
  }

  /** Traces a received event if this connection is traced; home event loop. */
  void received(String event, Object args) {
    FrameTrace frames = trace;
    if (frames != null) {
      frames.received(connection, event + " " + args);
    }
  }

  private void sent(Object frame) {
    FrameTrace frames = trace;
    if (frames != null) {
      frames.sent(connection, frame);
    }
  }

  /**
   * Why the connection ended: the refusal the server closed it with, else what Engine.IO or
   * Socket.IO said ({@code transport close}, {@code ping timeout}, ...). Home event loop.
   */
  DisconnectReason endReason(String reason) {
    ErrorCode code = closedWith;
    if (code != null) {
      return DisconnectReason.of(code);
    }
    return switch (reason) {
      case "client namespace disconnect" -> DisconnectReason.CLIENT_CLOSE;
      case "transport close", "transport error" -> DisconnectReason.TRANSPORT_CLOSE;
      case "ping timeout" -> DisconnectReason.HEARTBEAT_TIMEOUT;
      case "parse error", "invalid state", "invalid heartbeat direction" ->
          DisconnectReason.PROTOCOL_ERROR;
      default -> DisconnectReason.SERVER_CLOSE;
    };
  }

  /** The hub session this sink serves. Home event loop only. */
  Session session() {
    return session;
  }

  void session(Session session) {
    this.session = session;
  }

  /**
   * A fresh request id for the hub, remembering {@code ack} (may be null) for its answer. Home
   * event loop only.
   */
  String register(Ack ack) {
    String id = Long.toString(++requestIds);
    if (ack != null) {
      ConcurrentHashMap<String, Ack> acks = pending;
      if (acks == null) {
        acks = new ConcurrentHashMap<>(2);
        pending = acks; // published before the request reaches the hub
      }
      acks.put(id, ack);
    }
    return id;
  }

  /** Takes the ack waiting for {@code requestId}'s answer, or {@code null}. Any thread. */
  private Ack take(String requestId) {
    ConcurrentHashMap<String, Ack> acks = pending;
    return requestId == null || acks == null ? null : acks.remove(requestId);
  }

  @Override
  public boolean sendMessage(ChannelMessage message) {
    if (!socket.isConnected()) {
      return true; // disconnecting anyway: dropping is not a slow-consumer event
    }
    boolean queued = socket.sendEncoded(message.encoded(SocketIoEncoding.MESSAGE));
    Connection described = connection;
    if (queued && described != null) {
      deliveries.delivered(described.transport(), message);
      sent(message.frame());
    }
    return queued;
  }

  @Override
  public int queued() {
    return socket.queued();
  }

  @Override
  public boolean send(ServerFrame frame) {
    if (!socket.isConnected()) {
      return true;
    }
    sent(frame);
    if (frame instanceof ServerFrame.Subscribed f) {
      return answer(
          f.id(),
          SocketJson.NODES
              .objectNode()
              .put("channel", f.channel())
              .<ObjectNode>set("position", position(f.position()))
              .put("recovered", f.recovered()));
    } else if (frame instanceof ServerFrame.Unsubscribed f) {
      return answer(f.id(), SocketJson.NODES.objectNode().put("channel", f.channel()));
    } else if (frame instanceof ServerFrame.Gap f) {
      ObjectNode gap =
          SocketJson.NODES
              .objectNode()
              .put("channel", f.channel())
              .<ObjectNode>set("from", position(f.from()))
              .set("to", position(f.to()));
      return socket.emit("gap", gap);
    } else if (frame instanceof ServerFrame.Reconnect f) {
      // A drain hint: the client should reconnect after afterMs and resume.
      return socket.emit(
          "reconnect",
          SocketJson.NODES.objectNode().put("reason", f.reason()).put("afterMs", f.afterMs()));
    }
    return true; // no other frame reaches a Socket.IO client
  }

  /**
   * Answers request {@code requestId} with {@code refusal} through its ack; without one (or for a
   * refusal the hub makes on its own) it goes out as an {@code error} event. Any thread.
   */
  boolean refuse(String requestId, Refusal refusal) {
    if (!socket.isConnected()) {
      return true;
    }
    Ack ack = take(requestId);
    if (ack != null) {
      ack.send(SocketIoRefusal.ack(refusal));
      return true;
    }
    return socket.emit("error", SocketIoRefusal.event(refusal));
  }

  @Override
  public boolean sendRefusal(Refusal refusal) {
    return refuse(null, refusal);
  }

  private boolean answer(String requestId, ObjectNode payload) {
    Ack ack = take(requestId);
    if (ack != null) {
      ack.send(payload);
    }
    return true;
  }

  @Override
  public void close(Refusal reason) {
    closedWith = reason.code();
    // Best effort: the error event is dropped when the queue is full (the usual reason to be
    // here). Closing the Engine.IO connection (not a namespace DISCONNECT) makes official
    // clients reconnect by themselves, unless an operator said not to come back.
    socket.send(
        new SocketPacket(
            SocketPacketType.EVENT,
            socket.namespace(),
            null,
            SocketJson.NODES.arrayNode().add("error").add(SocketIoRefusal.event(reason))));
    if (reason.code() == ErrorCode.DISCONNECTED_NO_RECONNECT) {
      // As the reference server's socket.disconnect(true): a DISCONNECT packet ("io server
      // disconnect"), after which official clients do not reconnect, then the connection closes.
      socket.disconnect();
    }
    socket.closeConnection(reason.code().name());
  }

  static ObjectNode position(Position position) {
    return SocketJson.NODES.objectNode().put("epoch", position.epoch()).put("seq", position.seq());
  }
}
