package io.parley.server.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.server.config.ServerWiring;
import io.parley.server.transport.engineio.EnginePacket;
import io.parley.server.transport.engineio.EngineSocket;
import io.parley.server.transport.engineio.MalformedPacketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Socket.IO v5 side of one Engine.IO connection (the reference server's {@code Client}):
 * decodes packets, multiplexes namespaces, answers CONNECT and closes the connection on invalid
 * input or when no namespace is joined within the connect timeout. Confined to the connection's
 * home event loop.
 */
public final class SocketIoConnection implements EngineSocket.Listener {
  private static final System.Logger LOG = System.getLogger(SocketIoConnection.class.getName());

  /** Bytes of randomness in a namespace socket id. */
  private static final int SOCKET_ID_BYTES = 15;

  private final EngineSocket engine;
  private final SocketIoNamespaces namespaces;
  private final SocketDecoder decoder;

  /** The joined namespaces' sockets; one, nearly always, so a list (a map cost ~100 bytes). */
  private final List<NamespaceSocket> sockets = new ArrayList<>(1);

  private long connectTimer;

  private SocketIoConnection(
      EngineSocket engine, SocketIoNamespaces namespaces, Duration connectTimeout) {
    this.engine = engine;
    this.namespaces = namespaces;
    this.decoder = new SocketDecoder(engine.settings().maxPayload());
    this.connectTimer =
        engine
            .vertx()
            .setTimer(
                connectTimeout.toMillis(),
                id -> {
                  connectTimer = -1;
                  if (sockets.isEmpty()) {
                    LOG.log(
                        System.Logger.Level.DEBUG,
                        () -> "no namespace joined in time on " + engine + "; closing");
                    engine.close("connect timeout");
                  }
                });
  }

  /** Makes {@code engine} a Socket.IO connection; call on its home context before it opens. */
  public static void attach(
      EngineSocket engine, SocketIoNamespaces namespaces, Duration connectTimeout) {
    engine.listener(new SocketIoConnection(engine, namespaces, connectTimeout));
  }

  EngineSocket engine() {
    return engine;
  }

  @Override
  public void onMessage(EnginePacket packet) {
    SocketPacket decoded;
    try {
      decoded = decoder.add(packet);
    } catch (MalformedPacketException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "closing " + engine + ": " + e.getMessage());
      engine.close("parse error");
      return;
    } catch (RuntimeException e) {
      // A decoder bug must cost this connection only, never the event loop or other sessions.
      LOG.log(System.Logger.Level.ERROR, "cannot decode a packet on " + engine + "; closing it", e);
      engine.close("parse error");
      return;
    }
    if (decoded != null) {
      onDecoded(decoded);
    }
  }

  private void onDecoded(SocketPacket packet) {
    NamespaceSocket socket = find(packet.namespace());
    if (socket == null && packet.type() == SocketPacketType.CONNECT) {
      connect(packet);
    } else if (socket != null
        && packet.type() != SocketPacketType.CONNECT
        && packet.type() != SocketPacketType.CONNECT_ERROR) {
      socket.onPacket(packet);
    } else {
      LOG.log(
          System.Logger.Level.DEBUG,
          () ->
              "closing "
                  + engine
                  + ": "
                  + packet.type()
                  + " for namespace "
                  + packet.namespace()
                  + (socket == null ? " before CONNECT" : " already connected"));
      engine.close("invalid state");
    }
  }

  private void connect(SocketPacket packet) {
    String name = packet.namespace();
    SocketNamespace namespace = namespaces.find(name);
    if (namespace == null) {
      ObjectNode error = SocketJson.NODES.objectNode().put("message", "Invalid namespace");
      engine.send(
          SocketCodec.encode(new SocketPacket(SocketPacketType.CONNECT_ERROR, name, null, error)));
      return;
    }
    JsonNode auth = packet.data() == null ? SocketJson.NODES.objectNode() : packet.data();
    NamespaceSocket socket =
        new NamespaceSocket(this, namespace, ServerWiring.randomId(SOCKET_ID_BYTES));
    for (ConnectHandler handler : namespace.connectHandlers()) {
      ObjectNode refusal;
      try {
        refusal = handler.onConnect(socket, auth);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "connect handler of " + name + " failed", e);
        refusal = SocketJson.NODES.objectNode().put("message", "Internal error");
      }
      if (refusal != null) {
        socket.closed("connect refused");
        engine.send(
            SocketCodec.encode(
                new SocketPacket(SocketPacketType.CONNECT_ERROR, name, null, refusal)));
        return;
      }
    }
    sockets.add(socket);
    if (connectTimer >= 0) {
      engine.vertx().cancelTimer(connectTimer);
      connectTimer = -1;
    }
    engine.send(
        SocketCodec.encode(
            new SocketPacket(
                SocketPacketType.CONNECT,
                name,
                null,
                SocketJson.NODES.objectNode().put("sid", socket.id()))));
    socket.connected();
    for (var listener : namespace.connectedListeners()) {
      try {
        listener.accept(socket);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "connected listener of " + socket + " failed", e);
      }
    }
  }

  /** Forgets a socket that left its namespace; home context. */
  void remove(NamespaceSocket socket) {
    sockets.remove(socket);
  }

  private NamespaceSocket find(String namespace) {
    for (NamespaceSocket socket : sockets) {
      if (socket.namespace().equals(namespace)) {
        return socket;
      }
    }
    return null;
  }

  @Override
  public void onUpgraded() {
    for (NamespaceSocket socket : List.copyOf(sockets)) {
      socket.upgraded();
    }
  }

  @Override
  public void onClose(String reason) {
    if (connectTimer >= 0) {
      engine.vertx().cancelTimer(connectTimer);
      connectTimer = -1;
    }
    List<NamespaceSocket> all = List.copyOf(sockets);
    sockets.clear();
    for (NamespaceSocket socket : all) {
      socket.closed(reason);
    }
  }
}
