package io.parley.server.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.auth.ProbeCredential;
import io.parley.server.transport.TransportPaths;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.function.Consumer;

/**
 * One self-test client per transport, speaking each protocol for real against this node's own port:
 * it presents {@link ProbeCredential#token()}, subscribes to a reserved probe channel, publishes a
 * message carrying a random nonce and completes once that message comes back. Every step is a
 * Vert.x callback on the caller's event loop; nothing blocks. Each instance serves one self-test;
 * the caller bounds it with its timeout and then {@link #close}s it.
 */
final class LoopbackProbe {
  private static final String EVENT = "probe";

  private final HttpClient http;
  private final WebSocketClient websockets;
  private final FrameCodec codec;
  private final String host;
  private final int port;
  private final String channel;
  private final String nonce;
  private final long longPollWaitMs;
  private final Promise<Void> done = Promise.promise();
  private WebSocket socket;
  private volatile String pollingSession;

  LoopbackProbe(
      HttpClient http,
      WebSocketClient websockets,
      FrameCodec codec,
      String host,
      int port,
      String channel,
      String nonce,
      long longPollWaitMs) {
    this.longPollWaitMs = longPollWaitMs;
    this.http = http;
    this.websockets = websockets;
    this.codec = codec;
    this.host = host;
    this.port = port;
    this.channel = channel;
    this.nonce = nonce;
  }

  /** Completes when the probe received its own message; fails with what went wrong. */
  Future<Void> result() {
    return done.future();
  }

  /** Ends the probe early ({@code reason}) if it is still running, and closes its socket. */
  void close(String reason) {
    done.tryFail(reason);
    if (socket != null && !socket.isClosed()) {
      socket.close();
    }
    String session = pollingSession;
    if (session != null) {
      pollingSession = null;
      // The Engine.IO close packet: the server ends the session and answers the held GET.
      exchange(HttpMethod.POST, session, "1", false);
    }
  }

  /** Native frames on {@code /ws}: hello, subscribe, publish, receive. */
  LoopbackProbe nativeWebSocket() {
    connect(TransportPaths.WEBSOCKET)
        .onSuccess(
            ws -> {
              ws.textMessageHandler(text -> guarded(() -> onNativeFrame(ws, text)));
              ws.writeTextMessage(
                  codec.encode(
                      new ClientFrame.Hello(ProbeCredential.token(), ProbeCredential.SUBJECT)));
            });
    return this;
  }

  private void onNativeFrame(WebSocket ws, String text) {
    ServerFrame frame;
    try {
      frame = codec.decodeServer(text);
    } catch (RuntimeException e) {
      done.tryFail("unreadable frame from " + TransportPaths.WEBSOCKET + ": " + e.getMessage());
      return;
    }
    if (frame instanceof ServerFrame.Welcome) {
      ws.writeTextMessage(codec.encode(new ClientFrame.Subscribe("s1", channel, null)));
    } else if (frame instanceof ServerFrame.Subscribed) {
      ws.writeTextMessage(codec.encode(new ClientFrame.Publish(nonce, channel, EVENT, data())));
    } else if (frame instanceof ServerFrame.Message message && channel.equals(message.channel())) {
      received(text);
    } else if (frame instanceof ServerFrame.Error error) {
      done.tryFail(error.code() + ": " + error.message());
    }
  }

  /** Socket.IO over its WebSocket ({@code EIO=4&transport=websocket}) with Parley's events. */
  LoopbackProbe socketIo() {
    connect(TransportPaths.SOCKET_IO + "?EIO=4&transport=websocket")
        .onSuccess(
            ws ->
                ws.textMessageHandler(
                    text -> guarded(() -> onSocketIoPacket(ws::writeTextMessage, text))));
    return this;
  }

  private void onSocketIoPacket(Consumer<String> send, String text) {
    if (text.startsWith("0")) {
      ObjectNode auth = mapper().createObjectNode().put("token", ProbeCredential.token());
      send.accept("40" + auth);
    } else if (text.equals("2")) {
      send.accept("3");
    } else if (text.startsWith("40")) {
      ObjectNode subscribe = mapper().createObjectNode().put("channel", channel);
      send.accept("421[\"subscribe\"," + subscribe + "]");
    } else if (text.startsWith("44")) {
      done.tryFail("Socket.IO connect refused: " + text.substring(2));
    } else if (text.startsWith("431")) {
      if (text.contains("\"code\"")) {
        done.tryFail("subscribe refused: " + text.substring(3));
        return;
      }
      ObjectNode publish =
          mapper()
              .createObjectNode()
              .put("id", nonce)
              .put("channel", channel)
              .put("event", EVENT)
              .set("data", data());
      send.accept("422[\"publish\"," + publish + "]");
    } else if (text.startsWith("432") && text.contains("\"code\"")) {
      done.tryFail("publish refused: " + text.substring(3));
    } else if (text.startsWith("42") && text.contains(nonce)) {
      received(text);
    }
  }

  /**
   * Socket.IO over Engine.IO long-polling: the handshake GET, then packets POSTed and read by one
   * GET at a time, as a polling client does, with the same events as over its WebSocket.
   */
  LoopbackProbe socketIoPolling() {
    String handshake = TransportPaths.SOCKET_IO + "?EIO=4&transport=polling";
    exchange(HttpMethod.GET, handshake, null, false)
        .onSuccess(
            open ->
                guarded(
                    () -> {
                      String sid = codec.parseObject(open.substring(1)).get("sid").asText();
                      pollingSession = handshake + "&sid=" + sid;
                      onSocketIoPacket(this::postPacket, open);
                      pollPackets();
                    }))
        .onFailure(failure -> done.tryFail(failure.getMessage()));
    return this;
  }

  private void postPacket(String packet) {
    String session = pollingSession;
    if (session == null) {
      return;
    }
    exchange(HttpMethod.POST, session, packet, false)
        .onFailure(failure -> done.tryFail(failure.getMessage()));
  }

  private void pollPackets() {
    String session = pollingSession;
    if (done.future().isComplete() || session == null) {
      return;
    }
    exchange(HttpMethod.GET, session, null, false)
        .onSuccess(
            payload -> {
              for (String packet : payload.split("\u001e")) {
                guarded(() -> onSocketIoPacket(this::postPacket, packet));
              }
              pollPackets();
            })
        .onFailure(failure -> done.tryFail(failure.getMessage()));
  }

  /** A periodic HTTP poll: publish over HTTP, then poll from just before that message. */
  LoopbackProbe httpPoll() {
    publish()
        .compose(position -> poll(position.get("seq").asLong() - 1, position, 0))
        .onSuccess(this::answered)
        .onFailure(failure -> done.tryFail(failure.getMessage()));
    return this;
  }

  /**
   * An HTTP long-poll: learn the channel's position from a first publish, hold a long-poll from
   * there, publish the probe message and receive it on the held poll.
   */
  LoopbackProbe httpLongPoll() {
    publish()
        .onSuccess(
            position -> {
              poll(position.get("seq").asLong(), position, longPollWaitMs)
                  .onSuccess(this::answered)
                  .onFailure(failure -> done.tryFail(failure.getMessage()));
              publish().onFailure(failure -> done.tryFail(failure.getMessage()));
            })
        .onFailure(failure -> done.tryFail(failure.getMessage()));
    return this;
  }

  private Future<JsonNode> publish() {
    ObjectNode body =
        mapper().createObjectNode().put("channel", channel).put("event", EVENT).set("data", data());
    return post(TransportPaths.PUBLISH, body, true);
  }

  private Future<String> poll(long seq, JsonNode position, long waitMs) {
    ObjectNode body =
        mapper()
            .createObjectNode()
            .put("clientId", ProbeCredential.SUBJECT)
            .put("token", ProbeCredential.token())
            .put("waitMs", waitMs);
    body.putObject("subscriptions")
        .putObject(channel)
        .put("epoch", position.get("epoch").asText())
        .put("seq", seq);
    return post(TransportPaths.POLL, body, false).map(JsonNode::toString);
  }

  private Future<JsonNode> post(String path, ObjectNode body, boolean bearer) {
    return exchange(HttpMethod.POST, path, body.toString(), bearer).map(codec::parseObject);
  }

  /** One HTTP request; anything but {@code 200} fails with the status and the body. */
  private Future<String> exchange(HttpMethod method, String uri, String body, boolean bearer) {
    RequestOptions options =
        new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri);
    if (body != null) {
      options.putHeader(
          "Content-Type",
          uri.startsWith(TransportPaths.SOCKET_IO)
              ? "text/plain;charset=UTF-8"
              : "application/json");
    }
    if (bearer) {
      options.putHeader("Authorization", "Bearer " + ProbeCredential.token());
    }
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(
            response ->
                response
                    .body()
                    .compose(
                        answer -> {
                          String path = uri.split("\\?")[0];
                          if (response.statusCode() != 200) {
                            return Future.failedFuture(
                                method
                                    + " "
                                    + path
                                    + " answered "
                                    + response.statusCode()
                                    + ": "
                                    + answer);
                          }
                          return Future.succeededFuture(answer.toString());
                        }));
  }

  private Future<WebSocket> connect(String uri) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri);
    return websockets
        .connect(options)
        .onSuccess(
            ws -> {
              socket = ws;
              // A loaded server may have closed it already; Vert.x refuses handlers on a closed
              // socket (it throws, into the event loop). Same loop as the close: no race here.
              if (ws.isClosed()) {
                done.tryFail("the server closed " + uri);
                return;
              }
              ws.closeHandler(v -> done.tryFail("the server closed " + uri));
              if (done.future().isComplete()) {
                ws.close();
              }
            })
        .onFailure(
            failure -> done.tryFail("connect to " + uri + " failed: " + failure.getMessage()));
  }

  /** Runs one protocol step; a bug in it fails the probe instead of leaving it to time out. */
  private void guarded(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      done.tryFail("the probe failed: " + e);
    }
  }

  private void received(String text) {
    if (text.contains(nonce)) {
      done.tryComplete();
    }
  }

  private void answered(String pollBody) {
    if (!pollBody.contains(nonce)) {
      done.tryFail(TransportPaths.POLL + " answered without the probe message: " + pollBody);
    }
    received(pollBody);
  }

  private JsonNode data() {
    return mapper().createObjectNode().put("nonce", nonce);
  }

  private ObjectMapper mapper() {
    return codec.mapper();
  }
}
