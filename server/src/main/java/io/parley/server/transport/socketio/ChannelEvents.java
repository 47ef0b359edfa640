package io.parley.server.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Session;

/**
 * Parley's channels as Socket.IO events on namespace {@code /}: CONNECT opens a hub session ({@code
 * auth: {token?, clientId?}}), {@code subscribe}, {@code unsubscribe} and {@code publish} are
 * answered through their acks, and the hub's messages come back as {@code message} events through a
 * {@link ChannelSink}. Translates only; the hub decides. Thread-safe; handlers run on the
 * connection's event loop and never block.
 */
final class ChannelEvents {
  private static final System.Logger LOG = System.getLogger(ChannelEvents.class.getName());

  private static final String SESSION = "parley.session";
  private static final String SINK = "parley.sink";

  private final Hub hub;

  ChannelEvents(Hub hub) {
    this.hub = hub;
  }

  /** Registers the connect check and the channel events on {@code root}. */
  void install(SocketNamespace root) {
    root.onConnect(this::open)
        .on("subscribe", this::subscribe)
        .on("unsubscribe", this::unsubscribe)
        .on("publish", this::publish);
  }

  private ObjectNode open(NamespaceSocket socket, JsonNode auth) {
    String clientId;
    try {
      FieldReader fields = FieldReader.of(auth);
      clientId = fields.optionalString("clientId", Limits.MAX_ID_LENGTH);
      fields.optionalString("token", Limits.MAX_TOKEN_LENGTH);
    } catch (FrameDecodeException e) {
      ObjectNode refusal = SocketJson.NODES.objectNode().put("message", "auth: " + e.getMessage());
      refusal.set("data", ChannelSink.error(asError(e)).get("error"));
      return refusal;
    }
    ChannelSink sink = new ChannelSink(socket);
    // Tokens are not verified yet (anonymous access), as on /ws.
    Session session = hub.open(sink, clientId == null ? socket.id() : clientId, null);
    socket.attribute(SESSION, session);
    socket.attribute(SINK, sink);
    socket.onDisconnect(reason -> hub.close(session));
    return null;
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
    ChannelSink sink = socket.attribute(SINK);
    hub.subscribe(socket.attribute(SESSION), sink.register(ack), channel, since);
  }

  private void unsubscribe(NamespaceSocket socket, ArrayNode args, Ack ack) {
    String channel;
    try {
      channel = FieldReader.of(args.get(0)).channel("channel");
    } catch (FrameDecodeException e) {
      reject(ack, e);
      return;
    }
    ChannelSink sink = socket.attribute(SINK);
    hub.unsubscribe(socket.attribute(SESSION), sink.register(ack), channel);
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
    if (channel.startsWith(ChannelName.SESSION_PREFIX)) {
      if (ack != null) {
        ack.send(
            ChannelSink.error(
                ServerFrame.Error.of(
                    id,
                    ErrorCode.CHANNEL_RESERVED,
                    "clients cannot publish to session channels; backends can, over HTTP",
                    "channel")));
      }
      return;
    }
    Session session = socket.attribute(SESSION);
    hub.publish(session.clientId(), id, channel, event, data)
        .whenComplete(
            (appended, failure) -> {
              if (ack == null) {
                return;
              }
              if (failure != null) {
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
