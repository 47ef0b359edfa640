package io.parley.client.internal.transport;

import io.parley.client.ConnectionException;
import io.parley.client.ProtocolException;
import io.parley.client.internal.transport.HttpPollTransport.Mode;
import io.parley.client.internal.transport.HttpPollTransport.PollAnswer;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.protocol.time.Scheduler.Cancellable;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Thread-safe: the polls of one HTTP poll connection and the channels they carry (see {@link
 * HttpPollTransport} for the wire). It turns answers into frames, confirms new channels with a
 * synthesized {@code subscribed}, ends a channel the server refuses with an {@code error} for its
 * subscribe, and holds publishes back while a channel subscribed before them is not yet in place,
 * so that requests take effect in order, as on a socket.
 */
final class PollLoop {

  /**
   * What one request asked for: a poll, or (with no channel to poll) a check that the server is
   * there.
   */
  private record Ask(
      long generation, Map<String, String> pending, long waitMs, boolean check, String token) {}

  private final HttpPollTransport transport;
  private final String clientId;
  private final TokenRefresh tokens;
  private final PollSink sink;
  private final Consumer<ClientFrame.Publish> release;
  private final String sessionId = "poll-" + UUID.randomUUID();

  // Guarded by this.
  private final Map<String, Position> cursors = new LinkedHashMap<>();

  /** Subscribe ids of channels not yet confirmed. Guarded by this. */
  private final Map<String, String> pending = new HashMap<>();

  /** The subscribe id of every channel. Guarded by this. */
  private final Map<String, String> requestIds = new HashMap<>();

  /** Publishes waiting for {@link #pending} to empty. Guarded by this. */
  private final List<ClientFrame.Publish> held = new ArrayList<>();

  private boolean welcomed;
  private long generation;
  private CompletableFuture<?> inFlight;
  private Cancellable timer;

  /**
   * @param release where publishes go once every channel subscribed before them is in place
   */
  PollLoop(
      HttpPollTransport transport,
      String clientId,
      TokenRefresh tokens,
      PollSink sink,
      Consumer<ClientFrame.Publish> release) {
    this.transport = transport;
    this.clientId = clientId;
    this.tokens = tokens;
    this.sink = sink;
    this.release = release;
  }

  /** Polls now (or checks, while there is no channel). */
  void poll() {
    String token = tokens.current();
    Ask ask;
    HttpRequest request;
    synchronized (this) {
      if (sink.finished()) {
        return;
      }
      timer = null;
      generation++;
      if (cursors.isEmpty()) {
        // The server refuses a poll without channels (1 to 100): ask whether it is there.
        ask = new Ask(generation, Map.of(), 0, true, token);
        request =
            authorized(
                    HttpRequest.newBuilder(transport.endpoints.poll())
                        .timeout(transport.connectTimeout)
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                    token)
                .build();
      } else {
        // A new channel is confirmed at once instead of after a long-poll's wait.
        long waitMs =
            welcomed && transport.mode == Mode.LONG_POLL && pending.isEmpty()
                ? transport.wait.toMillis()
                : 0;
        ask = new Ask(generation, new HashMap<>(pending), waitMs, false, token);
        request =
            authorized(
                    HttpRequest.newBuilder(transport.endpoints.poll())
                        .timeout(transport.connectTimeout.plusMillis(waitMs))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json, application/problem+json")
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                transport.pollBody(clientId, cursors, waitMs))),
                    token)
                .build();
      }
    }
    CompletableFuture<HttpResponse<String>> call =
        transport.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    synchronized (this) {
      if (ask.generation == generation) {
        inFlight = call;
      }
    }
    call.whenComplete((response, failure) -> answered(ask, response, failure));
  }

  private static HttpRequest.Builder authorized(HttpRequest.Builder builder, String token) {
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }

  /** A channel to poll from {@code subscribe.since()}: polls again at once, without waiting. */
  void subscribe(ClientFrame.Subscribe subscribe) {
    synchronized (this) {
      cursors.put(subscribe.channel(), subscribe.since());
      pending.put(subscribe.channel(), subscribe.id());
      requestIds.put(subscribe.channel(), subscribe.id());
    }
    repoll();
  }

  /** Stops polling a channel, confirmed at once with {@code unsubscribed}. */
  void unsubscribe(ClientFrame.Unsubscribe unsubscribe) {
    synchronized (this) {
      cursors.remove(unsubscribe.channel());
      pending.remove(unsubscribe.channel());
      requestIds.remove(unsubscribe.channel());
    }
    sink.emit(new ServerFrame.Unsubscribed(unsubscribe.id(), unsubscribe.channel()));
    releaseHeld();
  }

  /**
   * Hands {@code publish} on once every channel subscribed before it is in place on the server, as
   * on a socket, where frames take effect in order: so a client that subscribes live and then
   * publishes sees its message.
   */
  void publish(ClientFrame.Publish publish) {
    synchronized (this) {
      if (!pending.isEmpty()) {
        held.add(publish);
        return;
      }
    }
    release.accept(publish);
  }

  private void releaseHeld() {
    List<ClientFrame.Publish> ready;
    synchronized (this) {
      if (!pending.isEmpty() || held.isEmpty()) {
        return;
      }
      ready = new ArrayList<>(held);
      held.clear();
    }
    ready.forEach(release);
  }

  private void answered(Ask ask, HttpResponse<String> response, Throwable failure) {
    synchronized (this) {
      if (sink.finished() || ask.generation != generation) {
        return;
      }
      inFlight = null;
    }
    if (failure != null) {
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      if (cause instanceof CancellationException) {
        return;
      }
      sink.fail(
          new ConnectionException(
              "poll failed: " + cause, transport.kind(), null, cause == null ? failure : cause));
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
      answer = transport.parseAnswer(response.body());
    } catch (FrameDecodeException e) {
      sink.fail(
          new ProtocolException("unreadable poll answer: " + e.getMessage(), e.code(), e.field()));
      return;
    }
    List<ServerFrame> frames = new ArrayList<>();
    boolean first;
    synchronized (this) {
      first = !welcomed;
      welcomed = true;
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
    tokens.succeeded(true);
    signOfLife(first, response);
    frames.forEach(sink::emit);
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
      long intervalMs = transport.wait.toMillis();
      sink.emit(
          new ServerFrame.Welcome(
              sessionId,
              new ServerFrame.Heartbeat(
                  intervalMs, intervalMs + transport.connectTimeout.toMillis()),
              response.headers().firstValue("x-parley-node").orElse("http")));
    } else {
      sink.emit(new ServerFrame.Ping(System.currentTimeMillis()));
    }
  }

  /**
   * The answer to a check while there is no channel: the poll endpoint exists when it allows {@code
   * POST} (a 2xx, or 405 naming POST in {@code Allow}). Checks repeat every wait, as polls would,
   * until a channel is added.
   */
  private void checked(Ask ask, HttpResponse<String> response) {
    int status = response.statusCode();
    boolean allowsPost =
        response.headers().allValues("Allow").stream()
            .anyMatch(allow -> allow.toUpperCase(Locale.ROOT).contains("POST"));
    if (!(status >= 200 && status < 300) && !(status == 405 && allowsPost)) {
      refused(ask, response);
      return;
    }
    boolean first;
    boolean busy;
    synchronized (this) {
      first = !welcomed;
      welcomed = true;
      busy = !cursors.isEmpty();
    }
    tokens.succeeded(true);
    signOfLife(first, response);
    if (busy) {
      poll();
      return;
    }
    synchronized (this) {
      if (!sink.finished() && timer == null && inFlight == null) {
        timer = transport.scheduler.schedule(transport.wait, this::poll);
      }
    }
  }

  /**
   * A refused request: an expired token is refreshed in-band ({@link TokenRefresh}), a problem
   * naming one channel ends that channel's subscribe, the rest end the connection.
   */
  private void refused(Ask ask, HttpResponse<String> response) {
    ProblemDetails problem =
        ProblemDetails.parse(transport.codec.mapper(), response.statusCode(), response.body());
    if (problem.code() == ErrorCode.TOKEN_EXPIRED) {
      if (sink.finished()) {
        return;
      }
      switch (tokens.expired(ask.token(), problem, null)) {
        case RETRY -> {
          poll();
          return;
        }
        case WAIT -> {
          // The connection polls again when the fresh token comes.
          return;
        }
        case FAIL -> {
          // Falls through to the refusal.
        }
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
      sink.emit(ServerErrors.toFrame(problem, id));
      releaseHeld();
      next();
      return;
    }
    sink.fail(
        ServerErrors.toException(problem, transport.kind(), RetryAfter.of(response.headers())));
  }

  /** The subscribed channel a problem's {@code field} names, such as {@code subscriptions.a.b}. */
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
      if (sink.finished()) {
        return;
      }
      if (transport.mode == Mode.PERIODIC) {
        timer = transport.scheduler.schedule(transport.wait, this::poll);
        return;
      }
    }
    poll();
  }

  /** Cancels the poll in flight or the wait for the next one, and polls at once. */
  void repoll() {
    synchronized (this) {
      if (sink.finished() || !welcomed) {
        return;
      }
      stop();
      generation++;
    }
    poll();
  }

  /** Cancels the poll in flight and the wait for the next one. */
  synchronized void stop() {
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
