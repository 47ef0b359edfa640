package io.parley.server.transport.websocket;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.auth.Identity;
import io.parley.server.auth.TokenRejectedException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.config.ServerWiring.NodeIdentity;
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
import io.parley.server.transport.DisabledTransport;
import io.parley.server.transport.LoopExecutor;
import io.parley.server.transport.ProblemDetails;
import io.parley.server.transport.TransportPaths;
import io.parley.server.transport.TransportSwitches;
import io.parley.server.transport.TransportSwitches.Switch;
import io.parley.server.transport.WebSocketDeflate;
import io.parley.server.transport.WebSocketMessages;
import io.parley.server.transport.WebSocketUpgrade;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Parley's native frames over a raw WebSocket at {@code /ws} (see {@code docs/protocol.md}).
 * Translates frames into {@link Hub} calls; decides nothing itself. Every callback runs on the
 * connection's event loop and never blocks; the frames of one connection are handled one at a time,
 * in the order they arrived. Thread-safe (a singleton shared by all connections).
 *
 * <p>A plain Vert.x route upgrades the request, as Engine.IO's does: the socket keeps nothing of
 * the HTTP request once open ({@link WebSocketUpgrade#trim}), which is what holds an idle {@code
 * /ws} connection near Engine.IO's size ({@code docs/benchmarks.md}).
 */
@Singleton
public class NativeWebSocketEndpoint {
  /** Where the native WebSocket is served. */
  public static final String PATH = TransportPaths.WEBSOCKET;

  private static final System.Logger LOG =
      System.getLogger(NativeWebSocketEndpoint.class.getName());

  @Inject Hub hub;
  @Inject FrameCodec codec;
  @Inject RealtimeConfig config;
  @Inject NodeIdentity node;
  @Inject TokenVerifier tokens;
  @Inject ConnectionEvents events;
  @Inject DeliveryCounters deliveries;
  @Inject FrameTrace frames;
  @Inject TransportSwitches switches;

  /** The hard ceiling for one message: above it the socket is closed with 1009. */
  @ConfigProperty(name = "quarkus.http.websocket-server.max-message-size", defaultValue = "1048576")
  int maxMessageBytes;

  private NativeHeartbeat heartbeat;

  void routes(@Observes Router router) {
    router
        .route(PATH)
        .handler(DisabledTransport.guard(PATH, switches::websocket, Switch.WEBSOCKET::setting));
    router.get(PATH).handler(this::upgrade);
  }

  void start(@Observes StartupEvent event, Vertx vertx) {
    heartbeat =
        new NativeHeartbeat(
            vertx,
            codec,
            config.heartbeat().interval(),
            config.heartbeat().timeout(),
            config.connections().helloTimeout());
  }

  /**
   * Connections closed since startup because they sent no {@code hello} within {@code
   * realtime.connections.hello-timeout}. Any thread.
   */
  public long helloTimeouts() {
    return heartbeat.helloTimeouts();
  }

  private void upgrade(RoutingContext context) {
    HttpServerRequest request = context.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      ProblemDetails.send(
          context,
          400,
          Refusal.of(
              ErrorCode.INVALID_FIELD,
              PATH + " is a WebSocket endpoint: send a WebSocket upgrade (Upgrade: websocket)",
              "Upgrade"));
      return;
    }
    // Read before the upgrade: the socket keeps no headers once open.
    String token = upgradeToken(request);
    request
        .toWebSocket()
        .onSuccess(ws -> open(request, ws, token))
        .onFailure(
            failure ->
                LOG.log(
                    System.Logger.Level.DEBUG,
                    () -> "websocket handshake on " + PATH + " failed: " + failure));
  }

  private void open(HttpServerRequest request, ServerWebSocket ws, String token) {
    WebSocketUpgrade.trim(request, ws);
    NativeConnection state =
        new NativeConnection(
            ws,
            LoopExecutor.of(Vertx.currentContext()),
            token,
            codec,
            config.outboundQueueSize(),
            WebSocketDeflate.forSocket(request, config.compressionThreshold()),
            deliveries,
            heartbeat,
            System.nanoTime());
    heartbeat.start(state);
    Peer peer = new Peer(state);
    WebSocketMessages.attach(ws, maxMessageBytes, peer);
    ws.closeHandler(peer);
    ws.exceptionHandler(
        failure ->
            LOG.log(
                System.Logger.Level.DEBUG,
                () -> "/ws connection " + ws.remoteAddress() + " failed: " + failure));
  }

  /** The socket's listener: whole messages and its end, one object per connection. */
  private final class Peer implements WebSocketMessages.Receiver, Handler<Void> {
    private final NativeConnection state;

    Peer(NativeConnection state) {
      this.state = state;
    }

    @Override
    public void onText(String text) {
      try {
        NativeWebSocketEndpoint.this.onText(text, state);
      } catch (RuntimeException e) {
        // A bug must not kill the event loop's other work or leave the client guessing.
        LOG.log(System.Logger.Level.ERROR, "handling a /ws frame failed", e);
        state.refuse(null, Refusal.of(ErrorCode.INTERNAL, "the frame failed; retry", null));
      }
    }

    @Override
    public void onBinary(byte[] data) {
      state.refuse(
          null,
          Refusal.of(
              ErrorCode.BAD_JSON,
              "frames are JSON text; got a binary message of " + data.length + " bytes",
              null));
    }

    @Override
    public void handle(Void closed) {
      onClose(state);
    }
  }

  private void onClose(NativeConnection state) {
    heartbeat.stop(state);
    Connection connection = state.connection();
    if (connection != null) {
      hub.close(state.session());
      events.fire(
          new ConnectionEvent.Disconnected(connection, state.endReason(), connection.age()));
    }
  }

  private void onText(String text, NativeConnection state) {
    if (state.isClosing()) {
      return;
    }
    state.received(System.nanoTime());
    state.received(text);
    ClientFrame frame;
    try {
      frame = codec.decodeClient(text);
    } catch (FrameDecodeException e) {
      state.refuse(e.requestId(), Refusal.ofUnreadable(e));
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
      state.refuse(
          requestId(frame),
          Refusal.of(
              ErrorCode.HELLO_REQUIRED,
              "send hello {clientId} before " + frame.type().wireName(),
              "type"));
    } else if (frame instanceof ClientFrame.Subscribe subscribe) {
      hub.subscribe(session, subscribe.id(), subscribe.channel(), subscribe.since())
          .whenComplete(
              (subscribed, failure) -> refuse(state, subscribe.id(), "subscribe", failure));
    } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
      hub.unsubscribe(session, unsubscribe.id(), unsubscribe.channel())
          .whenComplete(
              (unsubscribed, failure) -> refuse(state, unsubscribe.id(), "unsubscribe", failure));
    } else if (frame instanceof ClientFrame.Publish publish) {
      publish(state, session, publish);
    } else if (frame instanceof ClientFrame.Auth auth) {
      refresh(state, session, auth);
    }
  }

  private void greet(NativeConnection state, ClientFrame.Hello hello) {
    if (state.session() != null) {
      state.refuse(
          null,
          Refusal.of(
              ErrorCode.ALREADY_GREETED,
              "this connection already has session " + state.session().id(),
              "type"));
      return;
    }
    Session session;
    Identity identity;
    try {
      String upgradeToken = state.takeUpgradeToken();
      identity = tokens.verify(hello.token() != null ? hello.token() : upgradeToken);
      session = hub.open(state, hello.clientId(), identity, Transport.WEBSOCKET, state.address());
    } catch (TokenRejectedException e) {
      refuse(state, null, Refusal.ofRejectedToken(e), ConnectionEvent.Stage.CONNECT);
      return;
    } catch (RefusedException e) {
      refuse(state, null, e.refusal(), ConnectionEvent.Stage.CONNECT);
      return;
    }
    Connection connection =
        Connection.opened(session.id(), identity, TransportKind.WEBSOCKET, state.address());
    state.greeted(session, connection, frames);
    events.fire(new ConnectionEvent.Connected(connection));
    state.send(
        new ServerFrame.Welcome(
            session.id(),
            new ServerFrame.Heartbeat(
                config.heartbeat().interval().toMillis(), config.heartbeat().timeout().toMillis()),
            node.id()));
  }

  /** An in-band token refresh: a bad token, or another subject, closes the connection. */
  private void refresh(NativeConnection state, Session session, ClientFrame.Auth auth) {
    try {
      hub.refresh(session, tokens.verify(auth.token()));
    } catch (TokenRejectedException e) {
      refuse(state, session.subject(), Refusal.ofRejectedToken(e), ConnectionEvent.Stage.REFRESH);
    } catch (RefusedException e) {
      refuse(state, session.subject(), e.refusal(), ConnectionEvent.Stage.REFRESH);
    }
  }

  /** Closes the connection with {@code refusal} of a connect or a refresh, and says so. */
  private void refuse(
      NativeConnection state, String user, Refusal refusal, ConnectionEvent.Stage stage) {
    events.fire(
        new ConnectionEvent.Refused(
            TransportKind.WEBSOCKET, state.address(), user, refusal.code(), stage));
    state.close(refusal);
  }

  /**
   * The token presented on the upgrade: {@code Authorization: Bearer} first, else the {@code
   * access_token} query parameter (for browsers, which cannot set headers on a WebSocket).
   */
  private static String upgradeToken(HttpServerRequest request) {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
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
              if (failure != null) {
                refuse(state, publish.id(), "publish", failure);
              } else {
                state.send(
                    new ServerFrame.Ack(
                        publish.id(), appended.position().seq(), appended.position().epoch()));
              }
            });
  }

  /**
   * Answers request {@code requestId} with the refusal {@code failure} carries (see {@link
   * Refusal#ofFailure}); nothing for a success ({@code failure} null).
   */
  private static void refuse(
      NativeConnection state, String requestId, String operation, Throwable failure) {
    if (failure == null) {
      return;
    }
    state.refuse(requestId, Refusal.ofFailure(operation, failure));
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
