package io.parley.server.transport.engineio;

import io.parley.server.config.ServerWiring;
import io.parley.server.transport.ClientAddress;
import io.parley.server.transport.Cors;
import io.parley.server.transport.HeartbeatClock;
import io.parley.server.transport.HttpCompression;
import io.parley.server.transport.LoopExecutor;
import io.parley.server.transport.WebSocketDeflate;
import io.parley.server.transport.WebSocketUpgrade;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The Engine.IO v4 server of one path: request verification with the reference server's errors,
 * CORS, the handshake over polling or WebSocket, and dispatch of later requests to their {@link
 * EngineSocket}. Thread-safe: {@link #handle} runs on whichever event loop received the request and
 * hops to the session's home context.
 */
public final class EngineServer {
  private static final System.Logger LOG = System.getLogger(EngineServer.class.getName());

  /** Bytes of randomness in a session id (the reference uses 15: 20 base64 characters). */
  private static final int SID_BYTES = 15;

  private final Vertx vertx;
  private final EngineSettings settings;
  private final Cors cors;
  private final Consumer<EngineSocket> onConnection;
  private final ConcurrentHashMap<String, EngineSocket> clients = new ConcurrentHashMap<>();

  /** Forgets an ended session; one instance for all of them. */
  private final Consumer<EngineSocket> forget = ended -> clients.remove(ended.sid(), ended);

  /** One heartbeat clock per event loop, for the sessions at home there. */
  private final ConcurrentHashMap<LoopExecutor, HeartbeatClock> heartbeats =
      new ConcurrentHashMap<>();

  /** Told the outcome of every handshake (a request without {@code sid}); event loop. */
  public interface Handshakes {
    /**
     * @param transport the requested transport, {@code polling} or {@code websocket} ({@code
     *     unknown} for anything else)
     * @param error why it was refused, or {@code null} when it was accepted
     */
    void handshake(String transport, EngineError error);
  }

  private final Handshakes handshakes;

  /** A server whose handshakes nobody counts. */
  public EngineServer(
      Vertx vertx, EngineSettings settings, Cors cors, Consumer<EngineSocket> onConnection) {
    this(vertx, settings, cors, onConnection, (transport, error) -> {});
  }

  /**
   * @param onConnection called on the new session's home context before its open packet is sent; it
   *     sets the session's listener
   * @param handshakes told each handshake's outcome
   */
  public EngineServer(
      Vertx vertx,
      EngineSettings settings,
      Cors cors,
      Consumer<EngineSocket> onConnection,
      Handshakes handshakes) {
    this.vertx = vertx;
    this.settings = settings;
    this.cors = cors;
    this.onConnection = onConnection;
    this.handshakes = handshakes;
  }

  /** The number of open sessions. */
  public int clientCount() {
    return clients.size();
  }

  /** The session {@code sid}, or {@code null}. */
  public EngineSocket find(String sid) {
    return clients.get(sid);
  }

  /** Closes every session, e.g. at shutdown. */
  public void closeAll() {
    for (EngineSocket socket : List.copyOf(clients.values())) {
      socket.execute(() -> socket.close("server shutting down"));
    }
  }

  /** Handles one request on this path; event loop. */
  public void handle(RoutingContext routing) {
    HttpServerRequest request = routing.request();
    HttpServerResponse response = request.response();
    if (cors.apply(request, response)) {
      return; // preflight answered
    }
    boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    String transport = request.getParam("transport");
    String sid = request.getParam("sid");
    EngineError error = verify(request.method(), transport, sid, upgrade);
    if (error == null && sid == null && !"4".equals(request.getParam("EIO"))) {
      error = EngineError.UNSUPPORTED_PROTOCOL_VERSION;
    } else if (error == null && sid == null && upgrade && !"websocket".equals(transport)) {
      error = EngineError.BAD_REQUEST;
    }
    if (sid == null) {
      handshakes.handshake(
          "polling".equals(transport) || "websocket".equals(transport) ? transport : "unknown",
          error);
    }
    if (error != null) {
      abort(response, error);
      return;
    }
    if (sid != null) {
      EngineSocket socket = clients.get(sid);
      if (upgrade) {
        upgrade(request, socket, "websocket".equals(transport));
      } else if (request.method() == HttpMethod.GET) {
        socket.execute(
            () -> {
              if (socket.heartbeatCaughtUp()) {
                socket.onPollRequest(response);
              } else {
                abort(response, EngineError.UNKNOWN_SID);
              }
            });
      } else if (request.method() == HttpMethod.POST) {
        String body = routing.body() == null ? "" : routing.body().asString("UTF-8");
        socket.execute(
            () -> {
              if (!socket.heartbeatCaughtUp()) {
                abort(response, EngineError.UNKNOWN_SID);
                return;
              }
              int status;
              try {
                status = socket.onPollData(body == null ? "" : body);
              } catch (RuntimeException e) {
                // A bug in a handler must not leave the request hanging: answer, and drop the
                // session, whose state is now unknown.
                LOG.log(System.Logger.Level.ERROR, "polling data of " + socket + " failed", e);
                socket.abort("server error");
                response.setStatusCode(500).end();
                return;
              }
              if (status == 200) {
                response.putHeader("Content-Type", "text/html").end("ok");
              } else {
                abort(response, EngineError.BAD_REQUEST);
              }
            });
      } else {
        abort(response, EngineError.BAD_REQUEST);
      }
      return;
    }
    if (upgrade) {
      request
          .toWebSocket()
          .onSuccess(
              ws -> {
                WebSocketUpgrade.trim(request, ws);
                openWebSocket(
                    ws, WebSocketDeflate.forSocket(request, settings.compressionThreshold()));
              })
          .onFailure(
              failure ->
                  LOG.log(
                      System.Logger.Level.DEBUG,
                      () -> "websocket handshake on " + request.path() + " failed: " + failure));
    } else {
      EngineSocket socket =
          create(EngineTransport.POLLING, ClientAddress.of(request.remoteAddress()));
      socket.open();
      socket.onPollRequest(response);
    }
  }

  /** The reference server's {@code verify}: which error, if any, a request gets. */
  private EngineError verify(HttpMethod method, String transport, String sid, boolean upgrade) {
    if (!"polling".equals(transport) && !"websocket".equals(transport)) {
      return EngineError.UNKNOWN_TRANSPORT;
    }
    // As the reference does for a transport left out of its `transports` option.
    EngineTransport wanted =
        "polling".equals(transport) ? EngineTransport.POLLING : EngineTransport.WEBSOCKET;
    if (!settings.offers(wanted)) {
      return EngineError.UNKNOWN_TRANSPORT;
    }
    if (sid != null) {
      EngineSocket socket = clients.get(sid);
      if (socket == null) {
        return EngineError.UNKNOWN_SID;
      }
      if (upgrade) {
        // As the reference: a late, second or non-websocket probe is accepted, then closed.
        return null;
      } else if (!transport.equals(socket.transport().wireName())) {
        return EngineError.BAD_REQUEST;
      }
      return null;
    }
    if (method != HttpMethod.GET) {
      return EngineError.BAD_HANDSHAKE_METHOD;
    }
    if ("websocket".equals(transport) && !upgrade) {
      return EngineError.BAD_REQUEST;
    }
    return null;
  }

  private EngineSocket create(EngineTransport transport, String address) {
    Context context = vertx.getOrCreateContext();
    HeartbeatClock clock =
        heartbeats.computeIfAbsent(LoopExecutor.of(context), loop -> new HeartbeatClock(vertx));
    EngineSocket socket =
        new EngineSocket(
            ServerWiring.randomId(SID_BYTES),
            address,
            vertx,
            context,
            settings,
            clock,
            transport,
            forget);
    clients.put(socket.sid(), socket);
    onConnection.accept(socket);
    return socket;
  }

  private void openWebSocket(ServerWebSocket ws, WebSocketDeflate deflate) {
    EngineSocket socket = create(EngineTransport.WEBSOCKET, ClientAddress.of(ws.remoteAddress()));
    socket.attachWebSocket(ws, deflate);
    socket.open();
  }

  private void upgrade(HttpServerRequest request, EngineSocket socket, boolean toWebSocket) {
    request
        .toWebSocket()
        .onSuccess(
            ws -> {
              WebSocketUpgrade.trim(request, ws);
              socket.acceptProbe(
                  ws,
                  WebSocketDeflate.forSocket(request, settings.compressionThreshold()),
                  toWebSocket);
            })
        .onFailure(
            failure ->
                LOG.log(
                    System.Logger.Level.DEBUG,
                    () -> "websocket upgrade of " + socket + " failed: " + failure));
  }

  /** Answers a refused request the way the reference server does. */
  static void abort(HttpServerResponse response, EngineError error) {
    if (response.ended() || response.closed()) {
      return;
    }
    HttpCompression.end(
        response.setStatusCode(error.status()).putHeader("Content-Type", "application/json"),
        error.json());
  }
}
