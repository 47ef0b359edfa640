package io.parley.server.transport.socketio.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.auth.Identity;
import io.parley.server.auth.TokenRejectedException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.hub.Hub;
import io.parley.server.hub.PublishRefusedException;
import io.parley.server.hub.Session;
import io.parley.server.hub.SessionRefusedException;
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
      return refusal("auth: " + e.getMessage(), asError(e));
    }
    Identity identity;
    try {
      identity = tokens.verify(token);
    } catch (TokenRejectedException e) {
      return refusal(
          e.getMessage(), ServerFrame.Error.of(null, e.code(), e.getMessage(), "auth.token"));
    }
    ChannelSink sink = new ChannelSink(socket);
    Session session;
    try {
      session = hub.open(sink, clientId == null ? socket.id() : clientId, identity);
    } catch (SessionRefusedException e) {
      return refusal(e.getMessage(), e.error());
    }
    sink.session(session);
    socket.bind(sink);
    socket.onDisconnect(reason -> hub.close(session));
    return null;
  }

  /**
   * CONNECT_ERROR payload: {@code {message, data: {code, category, message, retryable, field}}}.
   */
  private static ObjectNode refusal(String message, ServerFrame.Error error) {
    ObjectNode refusal = SocketJson.NODES.objectNode().put("message", message);
    refusal.set("data", ChannelSink.error(error).get("error"));
    return refusal;
  }

  /** {@code auth {token}}: an in-band refresh; a refused token closes the connection. */
  private void refresh(NamespaceSocket socket, ArrayNode args, Ack ack) {
    ServerFrame.Error refused;
    try {
      String token = FieldReader.of(args.get(0)).requiredString("token", Limits.MAX_TOKEN_LENGTH);
      refused = hub.refresh(socket.binding(ChannelSink.class).session(), tokens.verify(token));
    } catch (FrameDecodeException e) {
      reject(ack, e);
      return;
    } catch (TokenRejectedException e) {
      refused = ServerFrame.Error.of(null, e.code(), e.getMessage(), "token");
    }
    if (refused == null) {
      if (ack != null) {
        ack.send(SocketJson.NODES.objectNode().put("ok", true));
      }
      return;
    }
    if (ack != null) {
      ack.send(ChannelSink.error(refused));
    }
    ChannelSink sink = socket.binding(ChannelSink.class);
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
    hub.subscribe(sink.session(), sink.register(ack), channel, since);
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
    hub.unsubscribe(sink.session(), sink.register(ack), channel);
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
              if (failure instanceof PublishRefusedException refused) {
                ack.send(ChannelSink.error(refused.error()));
              } else if (failure != null) {
                LOG.log(System.Logger.Level.ERROR, "publish to " + channel + " failed", failure);
                ack.send(
                    ChannelSink.error(
                        ServerFrame.Error.of(
                            id, ErrorCode.INTERNAL, "publish failed; retry it", null)));
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
      ack.send(ChannelSink.error(asError(e)));
    }
  }

  private static ServerFrame.Error asError(FrameDecodeException e) {
    return ServerFrame.Error.of(e.requestId(), e.code(), e.getMessage(), e.field());
  }
}
