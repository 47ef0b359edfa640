package io.parley.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.drain.Drain;
import io.parley.server.eventlog.EventLog;
import io.parley.server.eventlog.LoggedEvent;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.Cluster;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.Session;
import io.parley.server.transport.http.Problem;
import io.parley.server.transport.http.RequestBody;
import io.parley.server.transport.http.RouteFailures;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The admin API under {@code /realtime/admin/}: {@code GET stats}, {@code GET connections}, {@code
 * GET channels}, {@code GET channels/{name}}, {@code POST disconnect}, {@code POST broadcast} and
 * {@code POST drain}, every one behind {@link AdminAccess}. Answers are JSON; refusals are {@code
 * application/problem+json}. Listings walk every session or channel, so they run on a worker
 * thread; the rest run on the event loop and never block. Thread-safe. See {@code
 * docs/operations.md}, "Admin API".
 */
@Singleton
public class AdminRoutes {
  private static final System.Logger LOG = System.getLogger(AdminRoutes.class.getName());

  /** Where the admin API lives. */
  public static final String BASE = "/realtime/admin/";

  /** The dashboard page and its assets, served from the jar without a token. */
  static final String PAGE = "/realtime/admin";

  /** The live feed, checked at its upgrade by {@code io.parley.server.livefeed}. */
  static final String LIVE = BASE + "live";

  @Inject Hub hub;
  @Inject Drain drain;
  @Inject FrameCodec codec;
  @Inject RealtimeConfig config;
  @Inject TokenVerifier tokens;
  @Inject NodeStats stats;
  @Inject EventLog eventLog;
  @Inject Cluster cluster;

  void routes(@Observes Router router) {
    // Another node's operator: carried out here as if asked here, without an operator name.
    cluster.listen(order -> disconnectHere(order, null));
    AdminAccess access = new AdminAccess(tokens, config.auth().adminRole(), eventLog);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxFrameBytes());
    // A regular expression route: a redirect to the page, not an API path (OpenApiDocumentIT lists
    // the exact ones and wants each documented).
    router.getWithRegex(java.util.regex.Pattern.quote(PAGE)).handler(AdminRoutes::toPage);
    router
        .route(BASE + "*")
        .handler(
            context -> {
              if (isPublic(context.normalizedPath())) {
                context.next();
              } else {
                access.check(context);
              }
            });
    DashboardFiles.load().mount(router, BASE);
    router.get(BASE + "stats").blockingHandler(guarded(this::stats), false);
    router.get(BASE + "events").blockingHandler(guarded(this::events), false);
    router.get(BASE + "connections").blockingHandler(guarded(this::connections), false);
    router.get(BASE + "channels").blockingHandler(guarded(this::channels), false);
    router.get(BASE + "channels/:name").handler(guarded(this::channel));
    router.post(BASE + "disconnect").handler(body).handler(guarded(this::disconnect));
    router.post(BASE + "broadcast").handler(body).handler(guarded(this::broadcast));
    router.post(BASE + "drain").handler(body).handler(guarded(this::drain));
    router
        .route(BASE + "*")
        .failureHandler(context -> RouteFailures.failed(context, config.maxFrameBytes()));
  }

  /**
   * Whether {@code path} is open without a token: the page ({@code /realtime/admin/} and its files,
   * {@link DashboardFiles}) and the live feed, whose upgrade is checked by the feed itself (a
   * browser's token comes in {@code Sec-WebSocket-Protocol}). Every other path under {@link #BASE}
   * is the admin API: guarded, unknown ones included.
   */
  public static boolean isPublic(String path) {
    return path.equals(BASE)
        || (path.startsWith(BASE) && DashboardFiles.serves(path.substring(BASE.length())))
        || path.equals(LIVE);
  }

  /** {@code /realtime/admin} to {@code /realtime/admin/}, where the page's relative links work. */
  private static void toPage(RoutingContext context) {
    if (!context.normalizedPath().equals(PAGE)) {
      context.next();
      return;
    }
    context.response().setStatusCode(301).putHeader("Location", BASE).end();
  }

  /** Runs {@code handler}; a request it could not read is answered 400 (413 when too large). */
  private static Handler<RoutingContext> guarded(Handler<RoutingContext> handler) {
    return context -> {
      try {
        handler.handle(context);
      } catch (FrameDecodeException e) {
        Problem.of(e).send(context);
      }
    };
  }

  // ---------------------------------------------------------------- reads

  private void stats(RoutingContext context) {
    ObjectNode json = stats.snapshot();
    answer(
        context,
        cluster.nodeReports(),
        reports -> {
          if (!reports.isEmpty()) {
            stats.writeCluster(json.putObject("cluster"), reports);
          }
          return json;
        });
  }

  private void events(RoutingContext context) {
    AdminRequests.Events query =
        AdminRequests.Events.read(
            context.request().getParam("after"), context.request().getParam("limit"));
    EventLog.Page page = eventLog.read(query.after(), query.limit());
    ObjectNode json = codec.mapper().createObjectNode();
    json.put("last", page.last());
    json.put("lost", page.lost());
    ArrayNode rows = json.putArray("events");
    for (LoggedEvent event : page.events()) {
      event.writeTo(rows.addObject());
    }
    respond(context, 200, json);
  }

  private void connections(RoutingContext context) {
    AdminRequests.Connections query =
        AdminRequests.Connections.read(
            context.request().getParam("user"), context.request().getParam("limit"));
    List<Session> sessions = hub.sessions();
    List<Session> matching = new ArrayList<>();
    for (Session session : sessions) {
      if (query.user() == null || query.user().equals(session.subject())) {
        matching.add(session);
      }
    }
    matching.sort(Comparator.comparingLong(Session::openedAtMillis).thenComparing(Session::id));
    ObjectNode json = codec.mapper().createObjectNode();
    json.put("total", matching.size());
    ArrayNode rows = json.putArray("connections");
    for (Session session : matching.subList(0, Math.min(query.limit(), matching.size()))) {
      ObjectNode row = rows.addObject();
      row.put("session", session.id());
      row.put("user", session.subject());
      row.put("clientId", session.clientId());
      row.put("transport", session.transport() == null ? null : session.transport().name());
      row.put("address", session.address());
      row.put("since", Instant.ofEpochMilli(session.openedAtMillis()).toString());
      row.put("channels", session.channels().size());
    }
    respond(context, 200, json);
  }

  private void channels(RoutingContext context) {
    AdminRequests.Channels query =
        AdminRequests.Channels.read(
            context.request().getParam("prefix"), context.request().getParam("limit"));
    List<Backplane.Held> held =
        hub.held(query.prefix(), query.limit()).toCompletableFuture().join();
    ObjectNode json = codec.mapper().createObjectNode();
    ArrayNode rows = json.putArray("channels");
    for (Backplane.Held channel : held) {
      writeChannel(rows.addObject(), channel);
    }
    respond(context, 200, json);
  }

  private void channel(RoutingContext context) {
    String name = context.pathParam("name");
    String problem = ChannelName.problem(name).orElse(null);
    if (problem != null) {
      Problem.of(
              Refusal.of(
                  ErrorCode.INVALID_CHANNEL,
                  "the channel name must be " + ChannelName.rule() + " but " + problem,
                  "name"))
          .send(context);
      return;
    }
    answer(
        context,
        hub.held(name),
        held -> {
          ObjectNode json = codec.mapper().createObjectNode();
          if (held == null) {
            // Nothing held: never published to, or aged out and nobody subscribed.
            json.put("channel", name).putNull("position");
            json.put("subscribers", hub.subscriberCount(name)).put("history", 0);
          } else {
            writeChannel(json, held);
          }
          return json;
        });
  }

  private void writeChannel(ObjectNode json, Backplane.Held held) {
    json.put("channel", held.channel());
    Position position = held.position();
    json.putObject("position").put("epoch", position.epoch()).put("seq", position.seq());
    json.put("subscribers", hub.subscriberCount(held.channel()));
    json.put("history", held.historyMessages());
    json.put("lastMinute", held.lastMinute());
  }

  // ---------------------------------------------------------------- actions

  private void disconnect(RoutingContext context) {
    AdminRequests.Disconnect request = AdminRequests.Disconnect.read(parse(context));
    Cluster.DisconnectOrder order =
        new Cluster.DisconnectOrder(
            request.user(), request.session(), request.reason(), request.mayReconnect());
    String operator = AdminAccess.operator(context);
    int here = disconnectHere(order, operator);
    // A session lives on one node: found here, nobody else needs asking.
    CompletionStage<Cluster.Disconnected> elsewhere =
        order.session() != null && here == 1
            ? CompletableFuture.completedFuture(Cluster.Disconnected.NONE)
            : cluster.disconnectElsewhere(order);
    answer(
        context,
        elsewhere,
        others -> {
          ObjectNode json = codec.mapper().createObjectNode();
          json.put("disconnected", here + others.sessions());
          json.put("thisNode", here);
          json.putObject("otherNodes")
              .put("asked", others.nodes())
              .put("answered", others.answered())
              .put("disconnected", others.sessions());
          return json;
        });
  }

  /**
   * Carries out an operator's disconnect on this node, whichever node's admin API took it: closes
   * the sessions, logs it and records it in the event log.
   *
   * @param operator who ordered it, as the event log names them
   * @return how many sessions it closed here
   */
  private int disconnectHere(Cluster.DisconnectOrder order, String operator) {
    Refusal reason =
        Refusal.of(
            order.mayReconnect()
                ? ErrorCode.DISCONNECTED_BY_ADMIN
                : ErrorCode.DISCONNECTED_NO_RECONNECT,
            order.reason(),
            null);
    int closed;
    if (order.user() != null) {
      long window =
          order.mayReconnect()
              ? config.poll().maxWait().toMillis() * 2
              : config.admin().noReconnectWindow().toMillis();
      closed = hub.disconnectSubject(order.user(), reason, System.currentTimeMillis() + window);
    } else {
      Session session = hub.session(order.session());
      closed = session != null && hub.disconnect(session, reason) ? 1 : 0;
    }
    String whom = order.user() != null ? "user " + order.user() : "session " + order.session();
    LOG.log(
        System.Logger.Level.INFO,
        (operator == null ? "an operator on another node" : operator)
            + " disconnected "
            + closed
            + " sessions of "
            + whom
            + " on this node (mayReconnect="
            + order.mayReconnect()
            + "): "
            + order.reason());
    if (closed > 0 || operator != null) {
      eventLog.append(
          LoggedEvent.Kind.ADMIN_ACTION,
          operator,
          order.session(),
          null,
          "disconnect",
          "disconnected "
              + closed
              + (closed == 1 ? " session of " : " sessions of ")
              + whom
              + (operator == null ? " on another node's order" : "")
              + (order.mayReconnect() ? " (may reconnect): " : " (may not reconnect): ")
              + order.reason());
    }
    return closed;
  }

  private void broadcast(RoutingContext context) {
    AdminRequests.Broadcast request = AdminRequests.Broadcast.read(parse(context));
    String operator = AdminAccess.operator(context);
    CompletionStage<Backplane.Appended> broadcast = hub.broadcast(request.event(), request.data());
    broadcast.whenComplete(
        (appended, failure) ->
            eventLog.append(
                LoggedEvent.Kind.ADMIN_ACTION,
                operator,
                null,
                null,
                "broadcast",
                failure == null
                    ? "broadcast "
                        + request.event()
                        + " at seq "
                        + appended.position().seq()
                        + " to "
                        + hub.sessionCount()
                        + " sessions"
                    : "broadcast " + request.event() + " refused: " + failure.getMessage()));
    answer(
        context,
        broadcast,
        appended -> {
          ObjectNode json = codec.mapper().createObjectNode();
          json.put("channel", appended.channel());
          json.put("epoch", appended.position().epoch());
          json.put("seq", appended.position().seq());
          json.put("sessions", hub.sessionCount());
          return json;
        });
  }

  private void drain(RoutingContext context) {
    String text = context.body() == null ? null : context.body().asString();
    JsonNode body = text == null || text.isBlank() ? null : codec.parseObject(text);
    AdminRequests.Drain request = AdminRequests.Drain.read(body);
    Drain.Started started = drain.start(request.deadline());
    eventLog.append(
        LoggedEvent.Kind.ADMIN_ACTION,
        AdminAccess.operator(context),
        null,
        null,
        "drain",
        "drain started: "
            + started.sessions()
            + " sessions, "
            + started.hinted()
            + " hinted, deadline "
            + started.deadline().toMillis()
            + " ms");
    ObjectNode json = codec.mapper().createObjectNode();
    json.put("draining", true);
    json.put("startedAt", Instant.ofEpochMilli(started.startedAtMillis()).toString());
    json.put("sessions", started.sessions());
    json.put("hinted", started.hinted());
    json.put("spreadMs", started.spread().toMillis());
    json.put("deadlineMs", started.deadline().toMillis());
    respond(context, 202, json);
  }

  // ---------------------------------------------------------------- plumbing

  private JsonNode parse(RoutingContext context) {
    return RequestBody.parse(codec, context.body() == null ? null : context.body().asString());
  }

  private <T> void answer(
      RoutingContext context, CompletionStage<T> stage, Function<T, ObjectNode> render) {
    stage.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            RouteFailures.refused(context, failure, "");
          } else {
            respond(context, 200, render.apply(value));
          }
        });
  }

  private void respond(RoutingContext context, int status, ObjectNode json) {
    if (context.response().ended() || context.response().closed()) {
      return;
    }
    context
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(json.toString());
  }
}
