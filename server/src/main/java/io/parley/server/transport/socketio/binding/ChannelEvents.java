package io.parley.server.transport.socketio.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.auth.Identity;
import io.parley.server.auth.TokenRejectedException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.RefusedException;
import io.parley.server.hub.Session;
import io.parley.server.transport.socketio.Ack;
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

  ChannelEvents(Hub hub, TokenVerifier tokens) {
    this.hub = hub;
    this.tokens = tokens;
  }

  /** Registers the connect check and the channel events on {@code root}. */
  void install(SocketNamespace root) {
    root.onConnect(this::open)
        .on("subscribe", this::subscribe)
        .on("unsubscribe", this::unsubscribe)
        .on("publish", this::publish)
        .on("auth", this::refresh);
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
    ChannelSink sink = new ChannelSink(socket);
    Session session;
    try {
      Identity identity = tokens.verify(token);
      session =
          hub.open(
              sink,
              clientId == null ? socket.id() : clientId,
              identity,
              Transport.SOCKET_IO,
              socket.address());
    } catch (TokenRejectedException e) {
      // The CONNECT payload's token, named by its path in that payload.
      return SocketIoRefusal.connectError(
          e.getMessage(), Refusal.ofRejectedToken(e).atField("auth.token"));
    } catch (RefusedException e) {
      return SocketIoRefusal.connectError(e.getMessage(), e.refusal());
    }
    sink.session(session);
    socket.bind(sink);
    socket.onDisconnect(reason -> hub.close(session));
    return null;
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
