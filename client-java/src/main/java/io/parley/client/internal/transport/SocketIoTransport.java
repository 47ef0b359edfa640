package io.parley.client.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyException;
import io.parley.client.ProtocolException;
import io.parley.client.internal.DaemonThreads;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.parser.Packet;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * Thread-safe Socket.IO v4 (Engine.IO 4, Socket.IO protocol 5) through the official {@code
 * io.socket:socket.io-client}, mapped onto Parley frames. No Socket.IO, OkHttp or org.json type
 * leaves this class.
 *
 * <p>Options: path {@code <base>/socket.io/}, transports polling then websocket (so a stripped
 * upgrade leaves the connection on long-polling), {@code forceNew}, no built-in reconnection (the
 * supervisor reconnects), CONNECT auth {@code {token?, clientId}} (strings only). This transport
 * owns one OkHttp client, dispatcher and pool for all its connections and releases them in {@link
 * #close()}.
 *
 * <p>Mapping: {@code connect} → a synthesized {@code welcome} (session id = socket id, heartbeat
 * from the Engine.IO handshake); Engine.IO pings → {@code ping} (signs of life, no answer needed:
 * Engine.IO answers itself); events {@code message}, {@code gap}, {@code reconnect} → those frames;
 * acks of {@code subscribe}, {@code unsubscribe}, {@code publish} → {@code subscribed}, {@code
 * unsubscribed}, {@code ack}, or {@code error} with the request's id when the ack is {@code
 * {"error": {...}}}; {@code connect_error} and {@code disconnect} → the final close.
 */
public final class SocketIoTransport implements ClientTransport {
  private static final Logger LOG = System.getLogger(SocketIoTransport.class.getName());

  /** Engine.IO v4 defaults, used until the handshake says otherwise. */
  static final long DEFAULT_PING_INTERVAL_MS = 25_000;

  static final long DEFAULT_PING_TIMEOUT_MS = 20_000;

  private final Endpoints endpoints;
  private final Duration connectTimeout;
  private final FrameCodec codec = FrameCodec.withMaxFrameBytes(4 * 1024 * 1024);
  private final ExecutorService okHttpThreads;
  private final OkHttpClient okHttp;

  public SocketIoTransport(Endpoints endpoints, Duration connectTimeout, String threadPrefix) {
    this.endpoints = endpoints;
    this.connectTimeout = connectTimeout;
    this.okHttpThreads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new DaemonThreads(threadPrefix + "-okhttp"));
    this.okHttp =
        new OkHttpClient.Builder()
            .dispatcher(new okhttp3.Dispatcher(okHttpThreads))
            .connectionPool(new ConnectionPool())
            .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
            // Engine.IO long-polls for up to pingInterval + pingTimeout.
            .readTimeout(1, TimeUnit.MINUTES)
            .build();
  }

  @Override
  public Transport kind() {
    return Transport.SOCKET_IO;
  }

  @Override
  public Connection open(ConnectRequest request, Listener listener) {
    Map<String, String> auth = new HashMap<>();
    if (request.token() != null) {
      auth.put("token", request.token());
    }
    auth.put("clientId", request.clientId());
    IO.Options options =
        IO.Options.builder()
            .setPath(endpoints.socketIoPath())
            .setForceNew(true)
            .setReconnection(false)
            .setTimeout(connectTimeout.toMillis())
            .setTransports(new String[] {"polling", "websocket"})
            .setAuth(auth)
            .build();
    options.callFactory = okHttp;
    options.webSocketFactory = okHttp;
    SocketBridge connection =
        new SocketBridge(IO.socket(endpoints.socketIoOrigin(), options), listener, codec);
    connection.start();
    return connection;
  }

  @Override
  public void close() {
    okHttpThreads.shutdown();
    okHttp.connectionPool().evictAll();
  }

  /**
   * A CONNECT_ERROR as the exception the connection closes with: a server's code in {@code
   * data.code} is classified by {@link ServerErrors} (so a refused token is an {@code
   * AuthenticationException}); anything else is a {@code ConnectionException}. Both carry the
   * server's {@code Retry-After}.
   *
   * @param arg the event's argument: the server's {@code {message, data}} or a client-side error
   * @param retryAfter the last {@code Retry-After} an Engine.IO response carried, or {@code null}
   */
  static ParleyException connectError(Object arg, Duration retryAfter) {
    if (arg instanceof JSONObject json) {
      String message = "Socket.IO connect refused: " + json.optString("message", "refused");
      JSONObject data = json.optJSONObject("data");
      ErrorCode code = data == null ? null : ErrorCode.fromWireName(data.optString("code", null));
      if (code != null) {
        return ServerErrors.toException(
            ServerFrame.Error.of(null, code, message, data.optString("field", null)),
            Transport.SOCKET_IO,
            retryAfter);
      }
      return new ConnectionException(message, Transport.SOCKET_IO, null, null, retryAfter);
    }
    Throwable cause = arg instanceof Throwable t ? t : null;
    return new ConnectionException(
        "Socket.IO connect failed: " + (arg == null ? "unknown" : arg),
        Transport.SOCKET_IO,
        retryAfter == null ? null : ErrorCode.SERVER_UNAVAILABLE,
        cause,
        retryAfter);
  }

  /** Whether {@link #close()} ran and every OkHttp thread has ended. For tests. */
  boolean terminated() {
    return okHttpThreads.isTerminated();
  }

  /**
   * One Socket.IO socket bridged to a Parley connection: its events and acks become frames, frames
   * become its emits. Thread-safe: the socket's events arrive on its event thread, sends on any.
   */
  private static final class SocketBridge implements Connection {
    private final Socket socket;
    private final Listener listener;
    private final FrameCodec codec;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile long pingIntervalMs = DEFAULT_PING_INTERVAL_MS;
    private volatile long pingTimeoutMs = DEFAULT_PING_TIMEOUT_MS;

    /** The last {@code Retry-After} an Engine.IO HTTP response carried, or {@code null}. */
    private volatile Duration retryAfter;

    SocketBridge(Socket socket, Listener listener, FrameCodec codec) {
      this.socket = socket;
      this.listener = listener;
      this.codec = codec;
    }

    void start() {
      socket
          .io()
          .on(
              Manager.EVENT_TRANSPORT,
              args -> {
                if (args.length > 0
                    && args[0] instanceof io.socket.engineio.client.Transport engine) {
                  engine.on(
                      io.socket.engineio.client.Transport.EVENT_PACKET,
                      packet -> enginePacket(packet));
                  engine.on(
                      io.socket.engineio.client.Transport.EVENT_RESPONSE_HEADERS,
                      headers -> responseHeaders(headers));
                }
              });
      socket.on(Socket.EVENT_CONNECT, args -> connected());
      socket.on(
          Socket.EVENT_CONNECT_ERROR,
          args -> fail(connectError(args.length > 0 ? args[0] : null, retryAfter)));
      socket.on(
          Socket.EVENT_DISCONNECT,
          args ->
              fail(
                  new ConnectionException(
                      "Socket.IO disconnected: " + (args.length > 0 ? args[0] : "unknown"),
                      Transport.SOCKET_IO,
                      null,
                      null)));
      socket.on("message", args -> event("message", args));
      socket.on("gap", args -> event("gap", args));
      socket.on("reconnect", args -> event("reconnect", args));
      // Server-initiated errors: TOKEN_REFRESH_REQUIRED, and the reason before a server close.
      socket.on("error", args -> event("error", args));
      socket.connect();
    }

    private void enginePacket(Object[] args) {
      if (args.length == 0 || !(args[0] instanceof Packet<?> packet)) {
        return;
      }
      if (Packet.OPEN.equals(packet.type) && packet.data instanceof String handshake) {
        readHandshake(handshake);
      } else if (Packet.PING.equals(packet.type)) {
        emit(new ServerFrame.Ping(System.currentTimeMillis()));
      }
    }

    @SuppressWarnings("unchecked")
    private void responseHeaders(Object[] args) {
      if (args.length > 0 && args[0] instanceof Map<?, ?> headers) {
        Duration delay = RetryAfter.of((Map<String, List<String>>) headers);
        if (delay != null) {
          retryAfter = delay;
        }
      }
    }

    private void readHandshake(String handshake) {
      try {
        JsonNode node = codec.mapper().readTree(handshake);
        if (node.path("pingInterval").canConvertToLong()) {
          pingIntervalMs = node.path("pingInterval").longValue();
        }
        if (node.path("pingTimeout").canConvertToLong()) {
          pingTimeoutMs = node.path("pingTimeout").longValue();
        }
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "unreadable Engine.IO handshake; keeping default heartbeat", e);
      }
    }

    private void connected() {
      String id = socket.id();
      emit(
          new ServerFrame.Welcome(
              id == null ? "unknown" : id,
              // Engine.IO pings every pingInterval and allows pingTimeout more for one to arrive,
              // so a live server is never silent longer than their sum.
              new ServerFrame.Heartbeat(
                  Math.max(1, pingIntervalMs), Math.max(1, pingIntervalMs + pingTimeoutMs)),
              "socket.io"));
    }

    /** A server-initiated event of {@code type}: its payload as that frame. */
    private void event(String type, Object[] args) {
      answered(type, null, args);
    }

    @Override
    public boolean send(ClientFrame frame) {
      if (finished.get()) {
        return false;
      }
      try {
        if (frame instanceof ClientFrame.Subscribe subscribe) {
          ObjectNode payload =
              codec.mapper().createObjectNode().put("channel", subscribe.channel());
          Position since = subscribe.since();
          if (since != null) {
            payload.putObject("since").put("epoch", since.epoch()).put("seq", since.seq());
          }
          emitWithAck("subscribe", payload, args -> answered("subscribed", subscribe.id(), args));
        } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
          ObjectNode payload =
              codec.mapper().createObjectNode().put("channel", unsubscribe.channel());
          emitWithAck(
              "unsubscribe", payload, args -> answered("unsubscribed", unsubscribe.id(), args));
        } else if (frame instanceof ClientFrame.Publish publish) {
          ObjectNode payload =
              codec
                  .mapper()
                  .createObjectNode()
                  .put("id", publish.id())
                  .put("channel", publish.channel())
                  .put("event", publish.event());
          payload.set("data", publish.data());
          emitWithAck("publish", payload, args -> answered("ack", publish.id(), args));
        } else if (frame instanceof ClientFrame.Auth auth) {
          // An in-band refresh: the ack is {"ok":true} or {"error":{...}}, and the server closes
          // the connection after an error, whose reason this reports first.
          ObjectNode payload = codec.mapper().createObjectNode().put("token", auth.token());
          emitWithAck("auth", payload, args -> authAnswered(args));
        }
        // hello, ping and pong: CONNECT carries the first token and Engine.IO does the heartbeat.
        return true;
      } catch (JSONException e) {
        fail(
            new ProtocolException(
                "cannot encode " + frame.type().wireName() + " for Socket.IO: " + e.getMessage(),
                ErrorCode.BAD_JSON,
                null));
        return false;
      }
    }

    private void emitWithAck(String event, ObjectNode payload, io.socket.client.Ack ack)
        throws JSONException {
      socket.emit(event, new Object[] {new JSONObject(payload.toString())}, ack);
    }

    /**
     * The payload of an event or of the ack of request {@code id} as a frame of {@code type}, or as
     * the error it carries.
     */
    private void answered(String type, String id, Object[] args) {
      try {
        emit(SocketIoFrames.decode(codec, type, id, args.length > 0 ? args[0] : null));
      } catch (FrameDecodeException e) {
        String what = id == null ? "'" + type + "' event" : "answer to " + id;
        fail(
            new ProtocolException(
                "unreadable Socket.IO " + what + ": " + e.getMessage(), e.code(), e.field()));
      }
    }

    private void authAnswered(Object[] args) {
      try {
        ServerFrame.Error refused = SocketIoFrames.authAck(codec, args.length > 0 ? args[0] : null);
        if (refused != null) {
          emit(refused);
        }
      } catch (FrameDecodeException e) {
        fail(
            new ProtocolException(
                "unreadable Socket.IO auth ack: " + e.getMessage(), e.code(), e.field()));
      }
    }

    private void emit(ServerFrame frame) {
      if (!finished.get()) {
        listener.onFrame(frame);
      }
    }

    private void fail(ParleyException cause) {
      if (finished.compareAndSet(false, true)) {
        socket.off();
        socket.close();
        listener.onClosed(cause);
      }
    }

    @Override
    public void close() {
      if (finished.compareAndSet(false, true)) {
        socket.off();
        socket.close();
      }
    }
  }
}
