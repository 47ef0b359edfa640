package io.parley.client.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyException;
import io.parley.client.ProtocolException;
import io.parley.client.PublishRejectedException;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.protocol.time.Scheduler;
import io.parley.protocol.time.Scheduler.Cancellable;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * discarded and its messages come again. Publishing goes through {@link PublishEndpoint}; a publish
 * is held back while a channel subscribed before it is not yet in place, so that requests take
 * effect in order, as on a socket.
 */
public final class HttpPollTransport implements ClientTransport {
  /** Largest poll answer read, in bytes of UTF-8: 16 MiB. */
  static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  /** The two polling modes. */
  public enum Mode {
    LONG_POLL,
    PERIODIC
  }

  private final Mode mode;
  private final HttpClient http;
  private final Endpoints endpoints;
  private final Duration connectTimeout;
  private final Duration wait;
  private final Scheduler scheduler;
  private final FrameCodec codec;
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
    connection.poll();
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
    List<ServerFrame.Message> messages = new ArrayList<>();
    for (JsonNode node : array(root, "messages")) {
      FieldReader m = FieldReader.of(node);
      messages.add(
          new ServerFrame.Message(
              m.channel("channel"),
              m.requiredString("epoch", Limits.MAX_EPOCH_LENGTH),
              m.requiredLong("seq", 1, Long.MAX_VALUE),
              m.requiredString("event", Limits.MAX_EVENT_LENGTH),
              m.anyValue("data"),
              m.optionalLong("ts", 0, Long.MAX_VALUE, 0)));
    }
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
    List<ServerFrame.Gap> gaps = new ArrayList<>();
    for (JsonNode node : array(root, "gaps")) {
      FieldReader g = FieldReader.of(node);
      gaps.add(
          new ServerFrame.Gap(
              g.channel("channel"),
              g.requiredObject("from").position(),
              g.requiredObject("to").position()));
    }
    JsonNode more = root.optionalNode("more");
    if (more != null && !more.isBoolean()) {
      throw root.invalid("more", "a boolean");
    }
    return new PollAnswer(messages, positions, gaps, more != null && more.booleanValue());
  }

  /** The optional array field {@code name}; empty when absent. */
  private static Iterable<JsonNode> array(FieldReader root, String name) {
    JsonNode node = root.optionalNode(name);
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      throw root.invalid(name, "an array");
    }
    return node;
  }

  /** One poll's answer. */
  record PollAnswer(
      List<ServerFrame.Message> messages,
      Map<String, Position> positions,
      List<ServerFrame.Gap> gaps,
      boolean more) {}

  /**
   * What one request asked for: a poll, or (with no channel to poll) a check that the server is
   * there.
   */
  private record Ask(
      long generation, Map<String, String> pending, long waitMs, boolean check, String token) {}

  /** What to do about a request answered {@code 401 TOKEN_EXPIRED}. */
  private enum Expiry {
    /** The token changed since the request was made: make it again with the current one. */
    RETRY,
    /** Wait for the supervisor's {@code auth} (asked for now or already). */
    WAIT,
    /** The token is expired before the connection was welcomed, or expired again at once. */
    FAIL
  }

  private final class PollConnection implements Connection {
    private final ConnectRequest request;
    private final Listener listener;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final String sessionId = "poll-" + UUID.randomUUID();

    // Guarded by this.
    private final Map<String, Position> cursors = new LinkedHashMap<>();
    private final Map<String, String> pending = new HashMap<>();
    private final Map<String, String> requestIds = new HashMap<>();
    private final List<ClientFrame.Publish> held = new ArrayList<>();

    /**
     * Publishes waiting for the one in flight: one at a time, so the server assigns seqs in the
     * order the application published, as on a socket. Guarded by this. Bounded by the client's
     * outbox, which never hands over more than its capacity.
     */
    private final ArrayDeque<ClientFrame.Publish> publishQueue = new ArrayDeque<>();

    /** Whether a publish request is in flight. Guarded by this. */
    private boolean publishInFlight;

    private String token;

    /** A refresh was asked for ({@code TOKEN_REFRESH_REQUIRED}); polls and publishes wait. */
    private boolean awaitingToken;

    /** A refreshed token is in use and no request has succeeded with it yet. */
    private boolean refreshUntried;

    /** The publish at the head of the queue waits for a fresh token. */
    private boolean publishParked;

    private boolean welcomed;
    private long generation;
    private CompletableFuture<?> inFlight;
    private Cancellable timer;

    PollConnection(ConnectRequest request, Listener listener) {
      this.request = request;
      this.listener = listener;
      this.token = request.token();
    }

    void poll() {
      Ask ask;
      HttpRequest httpRequest;
      synchronized (this) {
        if (finished.get()) {
          return;
        }
        timer = null;
        generation++;
        if (cursors.isEmpty()) {
          // The server refuses a poll without channels (1 to 100): ask whether it is there.
          ask = new Ask(generation, Map.of(), 0, true, token);
          HttpRequest.Builder check =
              HttpRequest.newBuilder(endpoints.poll())
                  .timeout(connectTimeout)
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
          if (token != null) {
            check.header("Authorization", "Bearer " + token);
          }
          httpRequest = check.build();
        } else {
          // A new channel is confirmed at once instead of after a long-poll's wait.
          long waitMs =
              welcomed && mode == Mode.LONG_POLL && pending.isEmpty() ? wait.toMillis() : 0;
          ask = new Ask(generation, new HashMap<>(pending), waitMs, false, token);
          httpRequest = pollRequest(pollBody(request.clientId(), cursors, waitMs), waitMs);
        }
      }
      CompletableFuture<HttpResponse<String>> call =
          http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofString());
      synchronized (this) {
        if (ask.generation == generation) {
          inFlight = call;
        }
      }
      call.whenComplete((response, failure) -> answered(ask, response, failure));
    }

    /** Guarded by this. */
    private HttpRequest pollRequest(String body, long waitMs) {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(endpoints.poll())
              .timeout(connectTimeout.plusMillis(waitMs))
              .header("Content-Type", "application/json")
              .header("Accept", "application/json, application/problem+json")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      if (token != null) {
        builder.header("Authorization", "Bearer " + token);
      }
      return builder.build();
    }

    private void answered(Ask ask, HttpResponse<String> response, Throwable failure) {
      synchronized (this) {
        if (finished.get() || ask.generation != generation) {
          return;
        }
        inFlight = null;
      }
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        if (cause instanceof CancellationException) {
          return;
        }
        fail(
            new ConnectionException(
                "poll failed: " + cause, kind(), null, cause == null ? failure : cause));
        return;
      }
      if (ask.check) {
        checked(ask, response);
        return;
      }
      if (response.statusCode() != 200) {
        refused(ask, response);
        return;
      }
      PollAnswer answer;
      try {
        answer = parseAnswer(response.body());
      } catch (FrameDecodeException e) {
        fail(
            new ProtocolException(
                "unreadable poll answer: " + e.getMessage(), e.code(), e.field()));
        return;
      }
      List<ServerFrame> frames = new ArrayList<>();
      boolean first;
      synchronized (this) {
        first = !welcomed;
        welcomed = true;
        refreshUntried = false;
        Set<String> gapped = new HashSet<>();
        for (ServerFrame.Gap gap : answer.gaps()) {
          gapped.add(gap.channel());
        }
        ask.pending.forEach(
            (channel, id) -> {
              Position position = answer.positions().get(channel);
              if (position != null && id.equals(pending.get(channel))) {
                pending.remove(channel);
                frames.add(
                    new ServerFrame.Subscribed(id, channel, position, !gapped.contains(channel)));
              }
            });
        for (ServerFrame.Gap gap : answer.gaps()) {
          if (cursors.containsKey(gap.channel())) {
            frames.add(gap);
          }
        }
        for (ServerFrame.Message message : answer.messages()) {
          if (cursors.containsKey(message.channel())) {
            frames.add(message);
          }
        }
        answer
            .positions()
            .forEach(
                (channel, position) -> {
                  if (cursors.containsKey(channel)) {
                    cursors.put(channel, position);
                  }
                });
      }
      signOfLife(first, response);
      frames.forEach(this::emit);
      releaseHeld();
      if (answer.more()) {
        // The server capped the answer and has more waiting: fetch it now, not after an interval.
        poll();
      } else {
        next();
      }
    }

    /** The first answer is the welcome, each later one a sign of life for the watchdog. */
    private void signOfLife(boolean first, HttpResponse<?> response) {
      if (first) {
        // A poll answers within its wait plus the request timeout, or fails; a check comes every
        // wait: that is the longest silence of a live connection.
        long intervalMs = wait.toMillis();
        emit(
            new ServerFrame.Welcome(
                sessionId,
                new ServerFrame.Heartbeat(intervalMs, intervalMs + connectTimeout.toMillis()),
                response.headers().firstValue("x-parley-node").orElse("http")));
      } else {
        emit(new ServerFrame.Ping(System.currentTimeMillis()));
      }
    }

    /**
     * The answer to a check while there is no channel: the poll endpoint exists when it allows
     * {@code POST} (a 2xx, or 405 naming POST in {@code Allow}). Checks repeat every wait, as polls
     * would, until a channel is added.
     */
    private void checked(Ask ask, HttpResponse<String> response) {
      int status = response.statusCode();
      boolean allowsPost =
          response.headers().allValues("Allow").stream()
              .anyMatch(allow -> allow.toUpperCase(java.util.Locale.ROOT).contains("POST"));
      if (!(status >= 200 && status < 300) && !(status == 405 && allowsPost)) {
        refused(ask, response);
        return;
      }
      boolean first;
      boolean busy;
      synchronized (this) {
        first = !welcomed;
        welcomed = true;
        refreshUntried = false;
        busy = !cursors.isEmpty();
      }
      signOfLife(first, response);
      if (busy) {
        poll();
        return;
      }
      synchronized (this) {
        if (!finished.get() && timer == null && inFlight == null) {
          timer = scheduler.schedule(wait, this::poll);
        }
      }
    }

    /**
     * A non-200 answer: an expired token is refreshed in-band, per-channel problems end that
     * channel, the rest end the connection.
     */
    private void refused(Ask ask, HttpResponse<String> response) {
      ProblemDetails problem =
          ProblemDetails.parse(codec.mapper(), response.statusCode(), response.body());
      if (problem.code() == ErrorCode.TOKEN_EXPIRED) {
        Expiry expiry = expired(ask.token(), problem);
        if (expiry == Expiry.RETRY) {
          poll();
        }
        if (expiry != Expiry.FAIL) {
          return;
        }
      }
      String channel = problem.field() == null ? null : channelOf(problem.field());
      if (channel != null && problem.category() != ErrorCategory.AUTHENTICATION) {
        String id;
        synchronized (this) {
          id = requestIds.remove(channel);
          cursors.remove(channel);
          pending.remove(channel);
        }
        emit(ServerErrors.toFrame(problem, id));
        releaseHeld();
        next();
        return;
      }
      fail(ServerErrors.toException(problem, kind(), RetryAfter.of(response.headers())));
    }

    /**
     * A request made with {@code used} was answered {@code TOKEN_EXPIRED}. HTTP is stateless, so
     * the server cannot ask for a fresh token the way it does on a socket: the connection asks in
     * its place, with the same {@code TOKEN_REFRESH_REQUIRED} error a socket would get, and holds
     * its polls and publishes until the supervisor's {@code auth} brings the token. Then the
     * request is made once more; if the fresh token is refused as expired too, or the connection
     * was not welcomed yet, the connection fails with the refusal.
     */
    private Expiry expired(String used, ProblemDetails problem) {
      boolean ask;
      synchronized (this) {
        if (finished.get()) {
          return Expiry.WAIT;
        }
        if (!Objects.equals(used, token)) {
          return Expiry.RETRY;
        }
        if (!welcomed || refreshUntried) {
          return Expiry.FAIL;
        }
        ask = !awaitingToken;
        awaitingToken = true;
      }
      if (ask) {
        emit(
            new ServerFrame.Error(
                null,
                ErrorCode.TOKEN_REFRESH_REQUIRED,
                ErrorCategory.AUTHENTICATION,
                "the token expired (" + problem.describe() + "); send a fresh one",
                true,
                "token"));
      }
      return Expiry.WAIT;
    }

    /** The supervisor's answer to {@code TOKEN_REFRESH_REQUIRED}: resume with the new token. */
    private void refreshed(String fresh) {
      boolean resume;
      boolean publishResume;
      synchronized (this) {
        token = fresh;
        resume = awaitingToken;
        awaitingToken = false;
        publishResume = publishParked;
        publishParked = false;
        if (resume) {
          refreshUntried = true;
        }
      }
      if (resume) {
        repoll();
      }
      if (publishResume) {
        sendNextPublish();
      }
    }

    /**
     * The subscribed channel a problem's {@code field} names, such as {@code subscriptions.a.b}.
     */
    private synchronized String channelOf(String field) {
      String prefix = "subscriptions.";
      if (!field.startsWith(prefix)) {
        return null;
      }
      String rest = field.substring(prefix.length());
      String best = null;
      for (String channel : requestIds.keySet()) {
        if ((rest.equals(channel) || rest.startsWith(channel + "."))
            && (best == null || channel.length() > best.length())) {
          best = channel;
        }
      }
      return best;
    }

    private void next() {
      synchronized (this) {
        if (finished.get()) {
          return;
        }
        if (mode == Mode.PERIODIC) {
          timer = scheduler.schedule(wait, this::poll);
          return;
        }
      }
      poll();
    }

    /** Cancels the poll in flight or the wait for the next one, and polls at once. */
    private void repoll() {
      synchronized (this) {
        if (finished.get() || !welcomed) {
          return;
        }
        if (inFlight != null) {
          inFlight.cancel(true);
          inFlight = null;
        }
        if (timer != null) {
          timer.cancel();
          timer = null;
        }
        generation++;
      }
      poll();
    }

    @Override
    public boolean send(ClientFrame frame) {
      if (finished.get()) {
        return false;
      }
      if (frame instanceof ClientFrame.Subscribe subscribe) {
        synchronized (this) {
          cursors.put(subscribe.channel(), subscribe.since());
          pending.put(subscribe.channel(), subscribe.id());
          requestIds.put(subscribe.channel(), subscribe.id());
        }
        repoll();
      } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
        synchronized (this) {
          cursors.remove(unsubscribe.channel());
          pending.remove(unsubscribe.channel());
          requestIds.remove(unsubscribe.channel());
        }
        emit(new ServerFrame.Unsubscribed(unsubscribe.id(), unsubscribe.channel()));
        releaseHeld();
      } else if (frame instanceof ClientFrame.Publish publish) {
        synchronized (this) {
          if (!pending.isEmpty()) {
            held.add(publish);
            return true;
          }
        }
        publish(publish);
      } else if (frame instanceof ClientFrame.Auth auth) {
        refreshed(auth.token());
      }
      // hello, ping and pong have no meaning here: the poll itself is the heartbeat.
      return true;
    }

    /**
     * Sends the publishes held back while a subscribe was pending. A publish goes out only once
     * every channel subscribed before it is in place on the server, as on a socket, where frames
     * take effect in order: so a client that subscribes live and then publishes sees its message.
     */
    private void releaseHeld() {
      List<ClientFrame.Publish> ready;
      synchronized (this) {
        if (!pending.isEmpty() || held.isEmpty()) {
          return;
        }
        ready = new ArrayList<>(held);
        held.clear();
      }
      ready.forEach(this::publish);
    }

    /** Sends {@code publish} after those before it have been answered. */
    private void publish(ClientFrame.Publish publish) {
      synchronized (this) {
        publishQueue.add(publish);
        if (publishInFlight) {
          return;
        }
        publishInFlight = true;
      }
      sendNextPublish();
    }

    private void sendNextPublish() {
      ClientFrame.Publish publish;
      String bearer;
      synchronized (this) {
        if (publishParked) {
          return;
        }
        publish = publishQueue.poll();
        if (publish == null || finished.get()) {
          publishInFlight = false;
          return;
        }
        bearer = token;
      }
      publishing
          .publish(
              bearer,
              publish.id(),
              request.clientId(),
              publish.channel(),
              publish.event(),
              publish.data())
          .whenComplete(
              (ack, failure) -> {
                if (failure == null) {
                  synchronized (this) {
                    refreshUntried = false;
                  }
                  if (!finished.get()) {
                    listener.onPublishAcked(publish.id(), ack.seq(), ack.epoch());
                  }
                } else {
                  Throwable cause =
                      failure instanceof CompletionException ? failure.getCause() : failure;
                  if (cause instanceof AuthenticationException refused
                      && refused.code() == ErrorCode.TOKEN_EXPIRED) {
                    publishExpired(publish, bearer, refused);
                    return;
                  }
                  emit(errorFrame(publish.id(), cause));
                }
                sendNextPublish();
              });
    }

    /**
     * A publish refused with {@code TOKEN_EXPIRED}: it goes back to the head of the queue and is
     * sent again with the fresh token, or the connection fails as for a poll (see {@link
     * #expired}).
     */
    private void publishExpired(
        ClientFrame.Publish publish, String bearer, AuthenticationException refused) {
      Expiry expiry =
          expired(bearer, new ProblemDetails(null, null, 401, refused.getMessage(), null, null));
      if (expiry == Expiry.FAIL) {
        fail(refused);
        return;
      }
      synchronized (this) {
        publishQueue.addFirst(publish);
        if (expiry == Expiry.WAIT && awaitingToken) {
          publishParked = true;
          return;
        }
      }
      sendNextPublish();
    }

    private void emit(ServerFrame frame) {
      if (!finished.get()) {
        listener.onFrame(frame);
      }
    }

    private void fail(ParleyException cause) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      stopPolling();
      listener.onClosed(cause);
    }

    @Override
    public void close() {
      finished.set(true);
      stopPolling();
    }

    private synchronized void stopPolling() {
      if (inFlight != null) {
        inFlight.cancel(true);
        inFlight = null;
      }
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }

  /** A failed HTTP publish as the error frame a native connection would have sent. */
  static ServerFrame.Error errorFrame(String id, Throwable cause) {
    if (cause instanceof PublishRejectedException rejected) {
      ErrorCode code = rejected.code() != null ? rejected.code() : ErrorCode.INTERNAL;
      return new ServerFrame.Error(
          id, code, code.category(), rejected.getMessage(), rejected.retryable(), rejected.field());
    }
    if (cause instanceof AuthenticationException refused) {
      ErrorCode code = refused.code() != null ? refused.code() : ErrorCode.TOKEN_INVALID;
      return new ServerFrame.Error(
          id, code, ErrorCategory.AUTHENTICATION, refused.getMessage(), false, null);
    }
    String message = cause == null ? "publish failed" : String.valueOf(cause.getMessage());
    return new ServerFrame.Error(
        id, ErrorCode.INTERNAL, ErrorCategory.CONNECTION, message, true, null);
  }
}
