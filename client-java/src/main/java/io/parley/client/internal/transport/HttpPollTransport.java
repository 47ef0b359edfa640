package io.parley.client.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.client.ParleyException;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.time.Scheduler;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Thread-safe stateless HTTP polling at {@code POST /realtime/poll}, in one of two modes: long-poll
 * ({@code waitMs > 0}, the next poll starts as soon as one returns) or periodic ({@code waitMs =
 * 0}, one poll per interval).
 *
 * <p>Each poll carries the whole state: {@code {"clientId", "subscriptions": {channel: {epoch, seq}
 * or null}, "waitMs"}}, with {@code Authorization: Bearer <token>} when there is a token. The
 * answer {@code {"messages", "positions", "gaps"}} becomes frames: a synthesized {@code subscribed}
 * for each channel answered for the first time, then its {@code gap}s, then {@code message}s. The
 * first successful poll (always with {@code waitMs = 0}) is the synthesized {@code welcome}; every
 * later answer is reported as a {@code ping}, the sign of life the supervisor's watchdog wants. The
 * server refuses a poll without channels, so while there is none the connection instead checks
 * every wait that the poll endpoint is there ({@code OPTIONS}, answered 2xx or 405 allowing {@code
 * POST}); that check is then the welcome and the sign of life. A poll that adds a channel does not
 * wait, so the channel is confirmed at once. Adding a channel cancels the poll in flight and polls
 * again at once, since the server cannot learn about it otherwise; the cancelled answer is
 * discarded and its messages come again. Publishing goes through {@link PublishEndpoint}, one at a
 * time in order ({@link PublishQueue}); a publish is held back while a channel subscribed before it
 * is not yet in place, so that requests take effect in order, as on a socket. An expired token is
 * refreshed in-band ({@link TokenRefresh}).
 */
public final class HttpPollTransport implements ClientTransport {
  /** Largest poll answer read, in bytes of UTF-8: 16 MiB. */
  static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  /** The two polling modes. */
  public enum Mode {
    LONG_POLL,
    PERIODIC
  }

  // Settings shared by every connection; read by its PollLoop.
  final Mode mode;
  final HttpClient http;
  final Endpoints endpoints;
  final Duration connectTimeout;
  final Duration wait;
  final Scheduler scheduler;
  final FrameCodec codec;
  private final PublishEndpoint publishing;

  /**
   * @param wait the long-poll wait ({@link Mode#LONG_POLL}) or the poll interval ({@link
   *     Mode#PERIODIC})
   * @param scheduler runs the periodic polls
   */
  public HttpPollTransport(
      Mode mode,
      HttpClient http,
      Endpoints endpoints,
      Duration connectTimeout,
      Duration wait,
      Scheduler scheduler) {
    this.mode = mode;
    this.http = http;
    this.endpoints = endpoints;
    this.connectTimeout = connectTimeout;
    this.wait = wait;
    this.scheduler = scheduler;
    this.codec = FrameCodec.withMaxFrameBytes(MAX_RESPONSE_BYTES);
    this.publishing = new PublishEndpoint(http, endpoints.publish(), connectTimeout, codec);
  }

  @Override
  public Transport kind() {
    return mode == Mode.LONG_POLL ? Transport.HTTP_LONG_POLL : Transport.HTTP_POLL;
  }

  @Override
  public Connection open(ConnectRequest request, Listener listener) {
    PollConnection connection = new PollConnection(request, listener);
    connection.loop.poll();
    return connection;
  }

  @Override
  public void close() {
    // The HttpClient is shared and owned by the transport set.
  }

  /** The JSON body of one poll. */
  String pollBody(String clientId, Map<String, Position> subscriptions, long waitMs) {
    ObjectNode body = codec.mapper().createObjectNode();
    body.put("clientId", clientId);
    ObjectNode channels = body.putObject("subscriptions");
    subscriptions.forEach(
        (channel, position) -> {
          if (position == null) {
            channels.putNull(channel);
          } else {
            channels.putObject(channel).put("epoch", position.epoch()).put("seq", position.seq());
          }
        });
    body.put("waitMs", waitMs);
    return body.toString();
  }

  /** Reads one poll answer. */
  PollAnswer parseAnswer(String body) {
    FieldReader root = FieldReader.of(codec.parseObject(body));
    List<ServerFrame.Message> messages = each(root, "messages", FrameCodec::message);
    Map<String, Position> positions = new LinkedHashMap<>();
    JsonNode positionNodes = root.optionalNode("positions");
    if (positionNodes != null) {
      if (!positionNodes.isObject()) {
        throw root.invalid("positions", "an object");
      }
      FieldReader byChannel = FieldReader.of(positionNodes);
      positionNodes
          .fieldNames()
          .forEachRemaining(
              channel -> positions.put(channel, byChannel.requiredObject(channel).position()));
    }
    List<ServerFrame.Gap> gaps =
        each(
            root,
            "gaps",
            g ->
                new ServerFrame.Gap(
                    g.channel("channel"),
                    g.requiredObject("from").position(),
                    g.requiredObject("to").position()));
    JsonNode more = root.optionalNode("more");
    if (more != null && !more.isBoolean()) {
      throw root.invalid("more", "a boolean");
    }
    return new PollAnswer(messages, positions, gaps, more != null && more.booleanValue());
  }

  /**
   * Each element of the optional array field {@code name}, read by {@code read}; empty when absent.
   */
  private static <T> List<T> each(FieldReader root, String name, Function<FieldReader, T> read) {
    JsonNode node = root.optionalNode(name);
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      throw root.invalid(name, "an array");
    }
    List<T> elements = new ArrayList<>();
    for (JsonNode element : node) {
      elements.add(read.apply(FieldReader.of(element)));
    }
    return elements;
  }

  /** One poll's answer. */
  record PollAnswer(
      List<ServerFrame.Message> messages,
      Map<String, Position> positions,
      List<ServerFrame.Gap> gaps,
      boolean more) {}

  /**
   * One connection, composed of its three jobs: the {@link PollLoop}, the ordered {@link
   * PublishQueue} and the {@link TokenRefresh}. It routes frames to them and reports for all three,
   * failing once.
   */
  private final class PollConnection implements Connection, PollSink {
    private final Listener listener;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final TokenRefresh tokens;
    private final PollLoop loop;

    PollConnection(ConnectRequest request, Listener listener) {
      this.listener = listener;
      this.tokens = new TokenRefresh(request.token(), this::emit);
      PublishQueue publishes =
          new PublishQueue(
              (token, publish) ->
                  publishing.send(
                      token,
                      publish.id(),
                      request.clientId(),
                      publish.channel(),
                      publish.event(),
                      publish.data()),
              tokens,
              this,
              kind());
      this.loop =
          new PollLoop(HttpPollTransport.this, request.clientId(), tokens, this, publishes::add);
    }

    @Override
    public boolean send(ClientFrame frame) {
      if (finished.get()) {
        return false;
      }
      if (frame instanceof ClientFrame.Subscribe subscribe) {
        loop.subscribe(subscribe);
      } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
        loop.unsubscribe(unsubscribe);
      } else if (frame instanceof ClientFrame.Publish publish) {
        loop.publish(publish);
      } else if (frame instanceof ClientFrame.Auth auth && tokens.refreshed(auth.token())) {
        // Polls that waited for the token start again with it at once.
        loop.repoll();
      }
      // hello, ping and pong have no meaning here: the poll itself is the heartbeat.
      return true;
    }

    @Override
    public void emit(ServerFrame frame) {
      if (!finished.get()) {
        listener.onFrame(frame);
      }
    }

    @Override
    public void fail(ParleyException cause) {
      if (finished.compareAndSet(false, true)) {
        loop.stop();
        listener.onClosed(cause);
      }
    }

    @Override
    public boolean finished() {
      return finished.get();
    }

    @Override
    public void close() {
      finished.set(true);
      loop.stop();
    }
  }
}
