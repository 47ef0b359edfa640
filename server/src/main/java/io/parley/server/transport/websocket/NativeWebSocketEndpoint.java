package io.parley.server.transport.websocket;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.auth.Identity;
import io.parley.server.auth.TokenRejectedException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.config.ServerWiring.NodeIdentity;
import io.parley.server.hub.Hub;
import io.parley.server.hub.PublishRefusedException;
import io.parley.server.hub.Session;
import io.parley.server.hub.SessionRefusedException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.HandshakeRequest;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parley's native frames over a raw WebSocket at {@code /ws} (see {@code docs/protocol.md}).
 * Translates frames into {@link Hub} calls; decides nothing itself. Every callback runs on the
 * connection's event loop and never blocks; inbound frames of one connection are processed
 * serially. Thread-safe (a singleton shared by all connections).
 *
 * <p>Inbound processing is {@link InboundProcessingMode#CONCURRENT}: the callbacks are non-blocking
 * and return only when done, so WebSockets Next calls them one after another on the connection's
 * event loop, in the order the frames arrived. {@code SERIAL} would give the same order through a
 * queue per connection (about 1.4 KB each, and an offer and a poll per frame).
 */
@WebSocket(
    path = "/ws",
    endpointId = "parley-native",
    inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class NativeWebSocketEndpoint {
  private static final System.Logger LOG =
      System.getLogger(NativeWebSocketEndpoint.class.getName());

  private final ConcurrentHashMap<String, NativeConnection> connections = new ConcurrentHashMap<>();

  @Inject Hub hub;
  @Inject FrameCodec codec;
  @Inject RealtimeConfig config;
  @Inject NodeIdentity node;
  @Inject TokenVerifier tokens;

  private long heartbeatTimer = -1;

  void start(@Observes StartupEvent event, Vertx vertx) {
    Duration interval = config.heartbeat().interval();
    long sweepMillis = Math.max(50, Math.min(1_000, interval.toMillis() / 5));
    heartbeatTimer = vertx.setPeriodic(sweepMillis, id -> sweepHeartbeats());
  }

  void stop(@Observes ShutdownEvent event, Vertx vertx) {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
  }

  @OnOpen
  @NonBlocking
  void onOpen(WebSocketConnection connection) {
    connections.put(
        connection.id(),
        new NativeConnection(
            connection,
            codec,
            NativeEncoding.MESSAGE,
            config.outboundQueueSize(),
            System.nanoTime()));
  }

  @OnClose
  @NonBlocking
  void onClose(WebSocketConnection connection) {
    NativeConnection state = connections.remove(connection.id());
    if (state != null && state.session() != null) {
      hub.close(state.session());
    }
  }

  @OnTextMessage
  @NonBlocking
  void onText(String text, WebSocketConnection connection) {
    NativeConnection state = connections.get(connection.id());
    if (state == null || state.isClosing()) {
      return;
    }
    state.received(System.nanoTime());
    ClientFrame frame;
    try {
      frame = codec.decodeClient(text);
    } catch (FrameDecodeException e) {
      state.send(ServerFrame.Error.of(e.requestId(), e.code(), e.getMessage(), e.field()));
      return;
    }
    Session session = state.session();
    if (frame instanceof ClientFrame.Hello hello) {
      greet(state, hello);
    } else if (frame instanceof ClientFrame.Ping ping) {
      state.send(new ServerFrame.Pong(ping.ts()));
    } else if (frame instanceof ClientFrame.Pong) {
      // Its arrival already counted as traffic for the heartbeat.
      return;
    } else if (session == null) {
      state.send(
          ServerFrame.Error.of(
              requestId(frame),
              ErrorCode.HELLO_REQUIRED,
              "send hello {clientId} before " + frame.type().wireName(),
              "type"));
    } else if (frame instanceof ClientFrame.Subscribe subscribe) {
      hub.subscribe(session, subscribe.id(), subscribe.channel(), subscribe.since());
    } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
      hub.unsubscribe(session, unsubscribe.id(), unsubscribe.channel());
    } else if (frame instanceof ClientFrame.Publish publish) {
      publish(state, session, publish);
    } else if (frame instanceof ClientFrame.Auth auth) {
      refresh(state, session, auth);
    }
  }

  private void greet(NativeConnection state, ClientFrame.Hello hello) {
    if (state.session() != null) {
      state.send(
          ServerFrame.Error.of(
              null,
              ErrorCode.ALREADY_GREETED,
              "this connection already has session " + state.session().id(),
              "type"));
      return;
    }
    Identity identity;
    try {
      identity = tokens.verify(hello.token() != null ? hello.token() : upgradeToken(state));
    } catch (TokenRejectedException e) {
      state.close(ServerFrame.Error.of(null, e.code(), e.getMessage(), "token"));
      return;
    }
    Session session;
    try {
      session = hub.open(state, hello.clientId(), identity);
    } catch (SessionRefusedException e) {
      state.close(e.error());
      return;
    }
    state.greeted(session);
    state.send(
        new ServerFrame.Welcome(
            session.id(),
            new ServerFrame.Heartbeat(
                config.heartbeat().interval().toMillis(), config.heartbeat().timeout().toMillis()),
            node.id()));
  }

  /** An in-band token refresh: a bad token, or another subject, closes the connection. */
  private void refresh(NativeConnection state, Session session, ClientFrame.Auth auth) {
    ServerFrame.Error refused;
    try {
      refused = hub.refresh(session, tokens.verify(auth.token()));
    } catch (TokenRejectedException e) {
      refused = ServerFrame.Error.of(null, e.code(), e.getMessage(), "token");
    }
    if (refused != null) {
      state.close(refused);
    }
  }

  /**
   * The token presented on the upgrade: {@code Authorization: Bearer} first, else the {@code
   * access_token} query parameter (for browsers, which cannot set headers on a WebSocket).
   */
  private static String upgradeToken(NativeConnection state) {
    HandshakeRequest request = state.connection().handshakeRequest();
    String authorization = request.header(HttpHeaders.AUTHORIZATION.toString());
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).trim();
    }
    String query = request.query();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("access_token=")) {
        return URLDecoder.decode(pair.substring("access_token=".length()), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private void publish(NativeConnection state, Session session, ClientFrame.Publish publish) {
    hub.publish(session, publish.id(), publish.channel(), publish.event(), publish.data())
        .whenComplete(
            (appended, failure) -> {
              if (failure instanceof PublishRefusedException refused) {
                state.send(refused.error());
              } else if (failure != null) {
                LOG.log(System.Logger.Level.ERROR, "publish to " + publish.channel(), failure);
                state.send(
                    ServerFrame.Error.of(
                        publish.id(), ErrorCode.INTERNAL, "publish failed; retry it", null));
              } else {
                state.send(
                    new ServerFrame.Ack(
                        publish.id(), appended.position().seq(), appended.position().epoch()));
              }
            });
  }

  private void sweepHeartbeats() {
    long now = System.nanoTime();
    long interval = config.heartbeat().interval().toNanos();
    long timeout = config.heartbeat().timeout().toNanos();
    // One ping text per sweep, shared by every connection due (encoded only if one is).
    String ping = null;
    for (NativeConnection state : connections.values()) {
      if (now - state.lastReceivedNanos() > timeout) {
        state.close(
            ServerFrame.Error.of(
                null,
                ErrorCode.HEARTBEAT_TIMEOUT,
                "nothing received for " + config.heartbeat().timeout().toMillis() + " ms",
                null));
      } else if (now - state.lastPingNanos() >= interval) {
        if (ping == null) {
          ping = codec.encode(new ServerFrame.Ping(System.currentTimeMillis()));
        }
        state.pinged(now);
        state.sendText(ping);
      }
    }
  }

  private static String requestId(ClientFrame frame) {
    if (frame instanceof ClientFrame.Subscribe f) {
      return f.id();
    } else if (frame instanceof ClientFrame.Unsubscribe f) {
      return f.id();
    } else if (frame instanceof ClientFrame.Publish f) {
      return f.id();
    }
    return null;
  }
}
