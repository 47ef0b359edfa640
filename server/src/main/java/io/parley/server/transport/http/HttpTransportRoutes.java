package io.parley.server.transport.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.Position;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.auth.Identity;
import io.parley.server.auth.TokenRejectedException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.config.ServerWiring;
import io.parley.server.events.ConnectionEvent;
import io.parley.server.events.ConnectionEvents;
import io.parley.server.events.TransportKind;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Reads;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.Replay;
import io.parley.server.metrics.DeliveryCounters;
import io.parley.server.metrics.PollsWaiting;
import io.parley.server.transport.ClientAddress;
import io.parley.server.transport.Cors;
import io.parley.server.transport.DisabledTransport;
import io.parley.server.transport.HttpCompression;
import io.parley.server.transport.NativeFrameEncoding;
import io.parley.server.transport.TransportPaths;
import io.parley.server.transport.TransportSwitches;
import io.parley.server.transport.TransportSwitches.Switch;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The stateless HTTP transport: {@code POST /realtime/poll} (periodic or long-poll) and {@code POST
 * /realtime/publish}. All state is in the request, so any node can answer. Handlers run on the
 * event loop and never block; a long-poll holds no thread while it waits. Errors are {@code
 * application/problem+json}. Thread-safe.
 */
@Singleton
public class HttpTransportRoutes {

  /** Where a poll body holds the channels and positions the hub reads (its refusals' fields). */
  private static final String POLL_FIELDS = "subscriptions.";

  /** Client id for publishes that name none: their ids are idempotent among themselves. */
  static final String ANONYMOUS_PUBLISHER = "http";

  @Inject Hub hub;
  @Inject FrameCodec codec;
  @Inject RealtimeConfig config;
  @Inject Vertx vertx;
  @Inject TokenVerifier tokens;
  @Inject ConnectionEvents events;
  @Inject DeliveryCounters deliveries;
  @Inject PollsWaiting pollsWaiting;
  @Inject TransportSwitches switches;

  void routes(@Observes Router router) {
    Cors cors =
        Cors.of(
            config.http().corsOrigins().orElse(List.of()),
            config.http().corsCredentials(),
            "realtime.http.cors-origins",
            "realtime.http.cors-credentials");
    for (String path : List.of(TransportPaths.POLL, TransportPaths.PUBLISH)) {
      // CORS headers on every answer (errors too); a preflight is answered here.
      router
          .route(path)
          .handler(
              context -> {
                if (!cors.apply(context.request(), context.response())) {
                  context.next();
                }
              });
    }
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxFrameBytes());
    router
        .route(TransportPaths.POLL)
        .handler(
            DisabledTransport.guard(
                TransportPaths.POLL, switches::httpPoll, Switch.HTTP_POLL::setting));
    router
        .post(TransportPaths.POLL)
        .handler(body)
        .handler(this::poll)
        .failureHandler(context -> RouteFailures.failed(context, config.maxFrameBytes()));
    router
        .post(TransportPaths.PUBLISH)
        .handler(body)
        .handler(this::publish)
        .failureHandler(context -> RouteFailures.failed(context, config.maxFrameBytes()));
  }

  private void poll(RoutingContext context) {
    PollRequest request;
    try {
      request =
          PollRequest.read(
              parse(context), config.poll().maxWait().toMillis(), config.poll().maxChannels());
    } catch (FrameDecodeException e) {
      Problem.of(e).send(context);
      return;
    }
    Identity identity = identify(context, request.token());
    if (identity == null) {
      return;
    }
    Context eventLoop = vertx.getOrCreateContext();
    read(identity, request)
        .whenComplete(
            (result, failure) -> {
              if (failure != null) {
                RouteFailures.refused(context, failure, POLL_FIELDS);
              } else if (!result.isEmpty() || request.waitMs() == 0) {
                respond(context, result);
              } else {
                // Wait from where the first read left each channel: a "start live" (null)
                // position must not skip what arrives during the wait.
                waitForMessages(context, eventLoop, identity, request.from(result.positions));
              }
            });
  }

  /** Holds the long-poll until a message arrives on a listed channel or {@code waitMs} passes. */
  private void waitForMessages(
      RoutingContext context, Context eventLoop, Identity identity, PollRequest request) {
    AtomicBoolean done = new AtomicBoolean();
    Runnable[] cancel = new Runnable[1];
    long[] timer = new long[1];
    pollsWaiting.started();
    // Ends the wait once, whichever of message, timeout, refusal or closed connection comes first.
    BooleanSupplier stop =
        () -> {
          if (!done.compareAndSet(false, true)) {
            return false;
          }
          pollsWaiting.finished();
          cancel[0].run();
          vertx.cancelTimer(timer[0]);
          return true;
        };
    Runnable finish =
        () -> {
          if (stop.getAsBoolean()) {
            read(identity, request)
                .whenComplete(
                    (result, failure) -> {
                      if (failure != null) {
                        RouteFailures.refused(context, failure, POLL_FIELDS);
                      } else {
                        respond(context, result);
                      }
                    });
          }
        };
    // The hub calls back under channel locks on the publisher's thread: hop to our event loop.
    cancel[0] =
        hub.awaitMessage(
            request.subscriptions().keySet(), () -> eventLoop.runOnContext(v -> finish.run()));
    timer[0] = vertx.setTimer(request.waitMs(), id -> finish.run());
    context.response().closeHandler(v -> stop.getAsBoolean());
    // A message, or an operator's disconnect of this reader (which answers only the waits it
    // finds registered), may have come between the first read and the registration. A refusal is
    // answered from here: a retryable one is told only once, to this read.
    read(identity, request)
        .whenComplete(
            (result, failure) ->
                eventLoop.runOnContext(
                    v -> {
                      if (failure != null) {
                        if (stop.getAsBoolean()) {
                          RouteFailures.refused(context, failure, POLL_FIELDS);
                        }
                      } else if (!result.isEmpty()) {
                        finish.run();
                      }
                    }));
  }

  /** Reads the request's channels through the hub, which checks the reader's rights. */
  private CompletionStage<PollResult> read(Identity identity, PollRequest request) {
    int requested = request.subscriptions().size();
    return hub.read(identity, request.subscriptions(), config.poll().maxMessages())
        .thenApply(reads -> new PollResult(reads, requested));
  }

  private void respond(RoutingContext context, PollResult result) {
    if (context.response().ended() || context.response().closed()) {
      return;
    }
    deliveries.polled(result.messages);
    HttpCompression.end(
        context
            .response()
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store"),
        result.toJson(codec));
  }

  private void publish(RoutingContext context) {
    Identity identity = identify(context, null);
    if (identity == null) {
      return;
    }
    PublishRequest request;
    try {
      request = PublishRequest.read(parse(context));
    } catch (FrameDecodeException e) {
      Problem.of(e).send(context);
      return;
    }
    String publisher = request.clientId() == null ? ANONYMOUS_PUBLISHER : request.clientId();
    String publishId = request.id() == null ? ServerWiring.randomId(12) : request.id();
    String address = ClientAddress.of(context.request().remoteAddress());
    hub.publishStateless(
            identity,
            address,
            publisher,
            publishId,
            request.channel(),
            request.event(),
            request.data())
        .whenComplete(
            (appended, failure) -> {
              if (failure != null) {
                RouteFailures.refused(context, failure, "");
                return;
              }
              StringWriter out = new StringWriter();
              try (JsonGenerator json = codec.mapper().getFactory().createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField("channel", appended.channel());
                json.writeStringField("epoch", appended.position().epoch());
                json.writeNumberField("seq", appended.position().seq());
                json.writeStringField("id", publishId);
                json.writeBooleanField("duplicate", appended.duplicate());
                json.writeEndObject();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              HttpCompression.end(
                  context.response().putHeader("Content-Type", "application/json"), out.toString());
            });
  }

  /**
   * Verifies the request's token ({@code Authorization: Bearer}, else {@code bodyToken}); on
   * refusal answers 401 with the specific code and returns {@code null}.
   */
  private Identity identify(RoutingContext context, String bodyToken) {
    String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
    try {
      String token = authorization != null ? BearerToken.of(context.request()) : bodyToken;
      return tokens.verify(token);
    } catch (TokenRejectedException e) {
      events.fire(
          new ConnectionEvent.Refused(
              TransportKind.HTTP,
              ClientAddress.of(context.request().remoteAddress()),
              null,
              e.code(),
              ConnectionEvent.Stage.REQUEST));
      Refusal refused = Refusal.ofRejectedToken(e);
      Problem.of(authorization != null ? refused.atField("Authorization") : refused).send(context);
      return null;
    }
  }

  private JsonNode parse(RoutingContext context) {
    return RequestBody.parse(codec, context.body() == null ? null : context.body().asString());
  }

  private record ChannelGap(String channel, Replay.Gap gap) {}

  /** What one poll collected across its channels, from the hub's read. Immutable. */
  private static final class PollResult {
    final List<ChannelMessage> messages = new ArrayList<>();
    final Map<String, Position> positions = new LinkedHashMap<>();
    final List<ChannelGap> gaps = new ArrayList<>();
    final boolean more;

    PollResult(Reads reads, int requested) {
      boolean truncated = false;
      for (Map.Entry<String, Replay> entry : reads.replays().entrySet()) {
        Replay replay = entry.getValue();
        messages.addAll(replay.messages());
        positions.put(entry.getKey(), replay.position());
        if (replay.gap() != null) {
          gaps.add(new ChannelGap(entry.getKey(), replay.gap()));
        }
        truncated |= replay.truncated();
      }
      // A channel left unread had no room left under the message limit.
      this.more = truncated || reads.replays().size() < requested;
    }

    boolean isEmpty() {
      return messages.isEmpty() && gaps.isEmpty();
    }

    String toJson(FrameCodec codec) {
      StringWriter out = new StringWriter(256 + messages.size() * 128);
      try (JsonGenerator json = codec.mapper().getFactory().createGenerator(out)) {
        json.writeStartObject();
        json.writeArrayFieldStart("messages");
        for (ChannelMessage message : messages) {
          json.writeRawValue(message.encoded(NativeFrameEncoding.MESSAGE));
        }
        json.writeEndArray();
        json.writeObjectFieldStart("positions");
        for (Map.Entry<String, Position> entry : positions.entrySet()) {
          json.writeObjectFieldStart(entry.getKey());
          writePosition(json, entry.getValue());
          json.writeEndObject();
        }
        json.writeEndObject();
        json.writeArrayFieldStart("gaps");
        for (ChannelGap gap : gaps) {
          Replay.Gap range = gap.gap();
          json.writeStartObject();
          json.writeStringField("channel", gap.channel());
          json.writeObjectFieldStart("from");
          writePosition(json, range.from());
          json.writeEndObject();
          json.writeObjectFieldStart("to");
          writePosition(json, range.to());
          json.writeEndObject();
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeBooleanField("more", more);
        json.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toString();
    }

    private static void writePosition(JsonGenerator json, Position position) throws IOException {
      json.writeStringField("epoch", position.epoch());
      json.writeNumberField("seq", position.seq());
    }
  }
}
