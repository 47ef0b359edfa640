package io.parley.server.transport.socketio.binding;

import io.parley.server.auth.TokenVerifier;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.events.ConnectionEvents;
import io.parley.server.hub.Hub;
import io.parley.server.logging.FrameTrace;
import io.parley.server.metrics.DeliveryCounters;
import io.parley.server.metrics.ParleyMeters;
import io.parley.server.transport.Cors;
import io.parley.server.transport.DisabledTransport;
import io.parley.server.transport.TransportPaths;
import io.parley.server.transport.TransportSwitches;
import io.parley.server.transport.engineio.EngineServer;
import io.parley.server.transport.engineio.EngineSettings;
import io.parley.server.transport.engineio.EngineSocket;
import io.parley.server.transport.socketio.SocketIoConnection;
import io.parley.server.transport.socketio.SocketIoNamespaces;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Mounts the Socket.IO server on {@code /socket.io/}, thread-safe: one plain Vert.x route serving
 * long-polling and upgrading WebSockets, with Parley's channel events on namespace {@code /}; in
 * conformance mode also the echo handlers and a bare Engine.IO echo endpoint on {@code
 * /engine.io/}. Handlers run on the event loop and never block.
 */
@Singleton
public class SocketIoRoutes {
  private static final System.Logger LOG = System.getLogger(SocketIoRoutes.class.getName());

  /** The Socket.IO path; clients always send the trailing slash. */
  public static final String PATH = TransportPaths.SOCKET_IO;

  /** The bare Engine.IO echo path of conformance mode. */
  public static final String ENGINE_PATH = TransportPaths.ENGINE_IO;

  @Inject Vertx vertx;
  @Inject Hub hub;
  @Inject TokenVerifier tokens;
  @Inject ConnectionEvents events;
  @Inject DeliveryCounters deliveries;
  @Inject FrameTrace frames;
  @Inject ParleyMeters meters;
  @Inject RealtimeConfig config;
  @Inject SocketIoNamespaces namespaces;
  @Inject TransportSwitches switches;

  private EngineServer socketIo;
  private EngineServer engineEcho;

  void routes(@Observes Router router) {
    RealtimeConfig.SocketIo settings = config.socketio();
    EngineSettings engine =
        new EngineSettings(
            settings.pingInterval(),
            settings.pingTimeout(),
            settings.maxHttpBufferSize(),
            settings.upgradeTimeout(),
            config.outboundQueueSize(),
            switches::offers,
            config.compressionThreshold());
    Cors cors =
        Cors.of(
            settings.corsOrigins().orElse(List.of()),
            settings.corsCredentials(),
            "realtime.socketio.cors-origins",
            "realtime.socketio.cors-credentials");
    if (!settings.conformance()) {
      // The conformance suites expect plain echo handlers on "/", with any auth payload.
      new ChannelEvents(hub, tokens, events, deliveries, frames).install(namespaces.of("/"));
    }
    router
        .route(PATH)
        .handler(
            DisabledTransport.guard(PATH, switches::socketioOffered, switches::socketioSetting));
    mountSocketIo(router, engine, cors, settings);
    if (settings.conformance()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Socket.IO conformance mode: echo handlers and " + ENGINE_PATH + " are on");
      ConformanceHandlers.install(namespaces);
      engineEcho =
          new EngineServer(
              vertx, engine, cors, socket -> socket.listener(ConformanceHandlers.echo(socket)));
      mount(router, ENGINE_PATH, engineEcho, settings.maxHttpBufferSize());
    }
  }

  private void mountSocketIo(
      Router router, EngineSettings engine, Cors cors, RealtimeConfig.SocketIo settings) {
    socketIo =
        new EngineServer(
            vertx,
            engine,
            cors,
            socket -> SocketIoConnection.attach(socket, namespaces, settings.connectTimeout()),
            meters::engineHandshake);
    mount(router, PATH, socketIo, settings.maxHttpBufferSize());
    if (settings.serveClient()) {
      ServedClient.load().mount(router, PATH, cors);
    }
  }

  private static void mount(Router router, String path, EngineServer server, int maxBody) {
    // A route added through the Router observer reads no body by itself: POST needs a BodyHandler.
    router
        .post(path)
        .handler(BodyHandler.create(false).setBodyLimit(maxBody))
        .failureHandler(
            context -> {
              int status = context.statusCode() == 413 ? 413 : 500;
              if (status == 500) {
                LOG.log(
                    System.Logger.Level.ERROR,
                    "reading a body on " + path + " failed",
                    context.failure());
              }
              if (!context.response().ended()) {
                context.response().setStatusCode(status).end();
              }
            });
    router.route(path).handler(server::handle);
  }

  void stop(@Observes ShutdownEvent event) {
    if (socketIo != null) {
      socketIo.closeAll();
    }
    if (engineEcho != null) {
      engineEcho.closeAll();
    }
  }

  /** Whether session {@code sid} on {@code /socket.io/} has a long-polling GET waiting. */
  public boolean hasPendingGet(String sid) {
    EngineSocket socket = socketIo == null ? null : socketIo.find(sid);
    return socket != null && socket.hasPendingGet();
  }

  /** Closes every Socket.IO connection, as a restart would; clients reconnect by themselves. */
  public void closeAllConnections() {
    if (socketIo != null) {
      socketIo.closeAll();
    }
  }

  /** Whether session {@code sid} is open on {@code /socket.io/}. */
  public boolean hasSession(String sid) {
    return socketIo != null && socketIo.find(sid) != null;
  }

  /** Open Engine.IO sessions on {@code /socket.io/}, for metrics and tests. */
  public int sessionCount() {
    return socketIo == null ? 0 : socketIo.clientCount();
  }
}
