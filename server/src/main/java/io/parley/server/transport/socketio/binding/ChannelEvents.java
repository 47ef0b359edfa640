package io.parley.server.transport.socketio.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.auth.Identity;
import io.parley.server.auth.TokenRejectedException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.events.Connection;
import io.parley.server.events.ConnectionEvent;
import io.parley.server.events.ConnectionEvents;
import io.parley.server.events.TransportKind;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.RefusedException;
import io.parley.server.hub.Session;
import io.parley.server.logging.FrameTrace;
import io.parley.server.metrics.DeliveryCounters;
import io.parley.server.transport.socketio.Ack;
import io.parley.server.transport.socketio.EventHandler;
import io.parley.server.transport.socketio.NamespaceSocket;
import io.parley.server.transport.socketio.SocketCodec;
import io.parley.server.transport.socketio.SocketJson;
import io.parley.server.transport.socketio.SocketNamespace;

/**
 * Parley's channels as Socket.IO events on namespace {@code /}: CONNECT opens a hub session ({@code
 * auth: {token?, clientId?}}, the token verified as on every transport), {@code subscribe}, {@code
 * unsubscribe}, {@code publish} and {@code auth} (an in-band token refresh) are answered through
 * their acks, and the hub's messages come back as {@code message} events through a {@link
 * ChannelSink}. Translates only; the hub decides. Thread-safe; handlers run on the connection's
 * event loop and never block.
 */
final class ChannelEvents {
  private static final System.Logger LOG = System.getLogger(ChannelEvents.class.getName());

  /** The socket's {@link ChannelSink}, which also holds its hub session. */
  private final Hub hub;

  private final TokenVerifier tokens;
  private final ConnectionEvents events;
  private final DeliveryCounters deliveries;
  private final FrameTrace frames;

  ChannelEvents(
      Hub hub,
      TokenVerifier tokens,
      ConnectionEvents events,
      DeliveryCounters deliveries,
      FrameTrace frames) {
    this.hub = hub;
    this.tokens = tokens;
    this.events = events;
    this.deliveries = deliveries;
    this.frames = frames;
  }

  /** Registers the connect check and the channel events on {@code root}. */
  void install(SocketNamespace root) {
    root.onConnect(this::open)
        .onUpgraded(this::upgraded)
        .on("subscribe", traced("subscribe", this::subscribe))
        .on("unsubscribe", traced("unsubscribe", this::unsubscribe))
        .on("publish", traced("publish", this::publish))
        .on("auth", traced("auth", this::refresh));
  }

  /** {@code handler}, tracing the event first when its connection is traced. */
  private static EventHandler traced(String event, EventHandler handler) {
    return (socket, args, ack) -> {
      ChannelSink sink = socket.binding(ChannelSink.class);
      if (sink != null) {
        sink.received(event, "auth".equals(event) ? "[token]" : args);
      }
      handler.onEvent(socket, args, ack);
    };
  }

  private ObjectNode open(NamespaceSocket socket, JsonNode auth) {
    String clientId;
    String token;
    try {
      FieldReader fields = FieldReader.of(auth);
      clientId = fields.optionalString("clientId", Limits.MAX_ID_LENGTH);
      token = fields.optionalString("token", Limits.MAX_TOKEN_LENGTH);
    } catch (FrameDecodeException e) {
      return SocketIoRefusal.connectError("auth: " + e.getMessage(), Refusal.ofUnreadable(e));
    }
    ChannelSink sink = new ChannelSink(socket, deliveries);
    Session session;
    Identity identity;
    try {
      identity = tokens.verify(token);
      session =
          hub.open(
              sink,
              clientId == null ? socket.id() : clientId,
              identity,
              Transport.SOCKET_IO,
              socket.address());
    } catch (TokenRejectedException e) {
      refused(socket, null, e.code(), ConnectionEvent.Stage.CONNECT);
      // The CONNECT payload's token, named by its path in that payload.
      return SocketIoRefusal.connectError(
          e.getMessage(), Refusal.ofRejectedToken(e).atField("auth.token"));
    } catch (RefusedException e) {
      refused(socket, null, e.refusal().code(), ConnectionEvent.Stage.CONNECT);
      return SocketIoRefusal.connectError(e.getMessage(), e.refusal());
    }
    Connection connection =
        Connection.opened(
            session.id(), identity, TransportKind.ofEngine(socket.transport()), socket.address());
    sink.connection(connection);
    if (frames.traces(connection)) {
      sink.trace(frames);
    }
    sink.session(session);
    socket.bind(sink);
    events.fire(new ConnectionEvent.Connected(connection));
    socket.onDisconnect(
        reason -> {
          hub.close(session);
          Connection last = sink.connection();
          events.fire(new ConnectionEvent.Disconnected(last, sink.endReason(reason), last.age()));
        });
    return null;
  }

  /** The connection moved from polling to WebSocket. */
  private void upgraded(NamespaceSocket socket) {
    ChannelSink sink = socket.binding(ChannelSink.class);
    Connection before = sink == null ? null : sink.connection();
    TransportKind now = TransportKind.ofEngine(socket.transport());
    if (before == null || before.transport() == now) {
      return;
    }
    Connection after = before.on(now);
    sink.connection(after);
    events.fire(new ConnectionEvent.TransportChanged(after, before.transport()));
  }

  private void refused(
      NamespaceSocket socket, String user, ErrorCode code, ConnectionEvent.Stage stage) {
    events.fire(
        new ConnectionEvent.Refused(
            TransportKind.ofEngine(socket.transport()), socket.address(), user, code, stage));
  }

  /** {@code auth {token}}: an in-band refresh; a refused token closes the connection. */
  private void refresh(NamespaceSocket socket, ArrayNode args, Ack ack) {
    ChannelSink sink = socket.binding(ChannelSink.class);
    Refusal refused;
    try {
      String token = FieldReader.of(args.get(0)).requiredString("token", Limits.MAX_TOKEN_LENGTH);
      hub.refresh(sink.session(), tokens.verify(token));
      if (ack != null) {
        ack.send(SocketJson.NODES.objectNode().put("ok", true));
      }
      return;
    } catch (FrameDecodeException e) {
      reject(ack, e);
      return;
    } catch (TokenRejectedException e) {
      refused = Refusal.ofRejectedToken(e);
    } catch (RefusedException e) {
      refused = e.refusal();
    }
    refused(socket, sink.session().subject(), refused.code(), ConnectionEvent.Stage.REFRESH);
    if (ack != null) {
      ack.send(SocketIoRefusal.ack(refused));
    }
    sink.close(refused);
  }

  private void subscribe(NamespaceSocket socket, ArrayNode args, Ack ack) {
    String channel;
    Position since;
    try {
      FieldReader fields = FieldReader.of(args.get(0));
      channel = fields.channel("channel");
      since = fields.optionalPosition("since");
    } catch (FrameDecodeException e) {
      reject(ack, e);
      return;
    }
    ChannelSink sink = socket.binding(ChannelSink.class);
    String requestId = sink.register(ack);
    hub.subscribe(sink.session(), requestId, channel, since)
        .whenComplete((subscribed, failure) -> refuse(sink, requestId, "subscribe", failure));
  }

  private void unsubscribe(NamespaceSocket socket, ArrayNode args, Ack ack) {
    String channel;
    try {
      channel = FieldReader.of(args.get(0)).channel("channel");
    } catch (FrameDecodeException e) {
      reject(ack, e);
      return;
    }
    ChannelSink sink = socket.binding(ChannelSink.class);
    String requestId = sink.register(ack);
    hub.unsubscribe(sink.session(), requestId, channel)
        .whenComplete((unsubscribed, failure) -> refuse(sink, requestId, "unsubscribe", failure));
  }

  private void publish(NamespaceSocket socket, ArrayNode args, Ack ack) {
    String id;
    String channel;
    String event;
    JsonNode data;
    try {
      FieldReader fields = FieldReader.of(args.get(0));
      id = fields.requiredString("id", Limits.MAX_ID_LENGTH);
      channel = fields.channel("channel");
      event = fields.requiredString("event", Limits.MAX_EVENT_LENGTH);
      data = fields.anyValue("data");
      if (SocketCodec.hasBinary(data)) {
        throw fields.invalid("data", "JSON without binary attachments");
      }
    } catch (FrameDecodeException e) {
      reject(ack, e);
      return;
    }
    Session session = socket.binding(ChannelSink.class).session();
    hub.publish(session, id, channel, event, data)
        .whenComplete(
            (appended, failure) -> {
              if (ack == null) {
                return;
              }
              if (failure != null) {
                ack.send(SocketIoRefusal.ack(Refusal.ofFailure("publish", failure)));
              } else {
                ack.send(
                    SocketJson.NODES
                        .objectNode()
                        .put("seq", appended.position().seq())
                        .put("epoch", appended.position().epoch()));
              }
            });
  }

  private static void reject(Ack ack, FrameDecodeException e) {
    if (ack != null) {
      ack.send(SocketIoRefusal.ack(Refusal.ofUnreadable(e)));
    }
  }

  /** Answers a request the hub refused; nothing for a success ({@code failure} null). */
  private static void refuse(
      ChannelSink sink, String requestId, String operation, Throwable failure) {
    if (failure != null) {
      sink.refuse(requestId, Refusal.ofFailure(operation, failure));
    }
  }
}
