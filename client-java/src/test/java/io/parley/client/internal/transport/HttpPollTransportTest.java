package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.ProtocolException;
import io.parley.client.internal.transport.HttpPollTransport.Mode;
import io.parley.client.internal.transport.HttpPollTransport.PollAnswer;
import io.parley.client.internal.transport.RecordingTransportListener.Closed;
import io.parley.client.internal.transport.TestHttpServer.Reply;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.protocol.time.FakeScheduler;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpPollTransportTest {
  private static final String EMPTY = "{\"messages\":[],\"positions\":{},\"gaps\":[]}";
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final ExecutorService httpThreads = Executors.newCachedThreadPool();
  private final HttpClient http = HttpClient.newBuilder().executor(httpThreads).build();
  private final FakeScheduler scheduler = new FakeScheduler();
  private final RecordingTransportListener listener = new RecordingTransportListener();
  private TestHttpServer server;
  private ClientTransport.Connection connection;

  @AfterEach
  void stop() {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
    httpThreads.shutdownNow();
  }

  private HttpPollTransport transport(Mode mode, Duration wait) throws Exception {
    server = new TestHttpServer();
    return new HttpPollTransport(
        mode, http, new Endpoints(server.base()), Duration.ofSeconds(5), wait, scheduler);
  }

  private HttpPollTransport offline(Mode mode) {
    return new HttpPollTransport(
        mode,
        http,
        new Endpoints(java.net.URI.create("http://127.0.0.1:1")),
        Duration.ofSeconds(5),
        Duration.ofSeconds(25),
        scheduler);
  }

  @Test
  void encodesThePollBodyWithPositionsAndLiveChannels() {
    Map<String, Position> subscriptions = new LinkedHashMap<>();
    subscriptions.put("jobs:7", new Position("e1", 3));
    subscriptions.put("news", null);

    String body = offline(Mode.LONG_POLL).pollBody("client-1", subscriptions, 25_000);

    assertThat(body)
        .isEqualTo(
            "{\"clientId\":\"client-1\",\"subscriptions\":"
                + "{\"jobs:7\":{\"epoch\":\"e1\",\"seq\":3},\"news\":null},\"waitMs\":25000}");
  }

  @Test
  void readsMessagesPositionsAndGapsFromAnAnswer() {
    PollAnswer answer =
        offline(Mode.LONG_POLL)
            .parseAnswer(
                "{\"messages\":[{\"channel\":\"jobs\",\"epoch\":\"e2\",\"seq\":8,\"event\":\"p\","
                    + "\"data\":{\"pct\":5},\"ts\":1700}],"
                    + "\"positions\":{\"jobs\":{\"epoch\":\"e2\",\"seq\":8}},"
                    + "\"gaps\":[{\"channel\":\"jobs\",\"from\":{\"epoch\":\"e1\",\"seq\":3},"
                    + "\"to\":{\"epoch\":\"e2\",\"seq\":7}}],\"future\":true}");

    assertThat(answer.messages())
        .containsExactly(
            new ServerFrame.Message(
                "jobs", "e2", 8, "p", JsonNodeFactory.instance.objectNode().put("pct", 5), 1700));
    assertThat(answer.positions()).containsExactly(Map.entry("jobs", new Position("e2", 8)));
    assertThat(answer.gaps())
        .containsExactly(new ServerFrame.Gap("jobs", new Position("e1", 3), new Position("e2", 7)));
  }

  @Test
  void rejectsAnAnswerWithAMistypedFieldNamingIt() {
    assertThatThrownBy(
            () ->
                offline(Mode.PERIODIC)
                    .parseAnswer("{\"positions\":{\"jobs\":{\"epoch\":\"e1\",\"seq\":\"x\"}}}"))
        .isInstanceOfSatisfying(
            FrameDecodeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
              assertThat(e.field()).isEqualTo("jobs.seq");
            });
  }

  @Test
  void withoutChannelsChecksThePollEndpointAndThatBecomesTheWelcome() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request ->
            new Reply(405, "text/plain", "", Map.of("Allow", "POST", "x-parley-node", "node-7")));

    connection = transport.open(new ClientTransport.ConnectRequest("tok", "client-1"), listener);

    ServerFrame.Welcome welcome = listener.next(ServerFrame.Welcome.class);
    assertThat(welcome.node()).isEqualTo("node-7");
    assertThat(welcome.heartbeat()).isEqualTo(new ServerFrame.Heartbeat(25_000, 30_000));
    TestHttpServer.Request first = server.requests().get(0);
    assertThat(first.method()).isEqualTo("OPTIONS");
    assertThat(first.path()).isEqualTo("/realtime/poll");
    assertThat(first.header("Authorization")).isEqualTo("Bearer tok");
    await().atMost(PATIENCE).until(() -> scheduler.pendingDelays().size() == 1);

    scheduler.advance(Duration.ofSeconds(25));

    listener.next(ServerFrame.Ping.class);
    assertThat(server.requests())
        .extracting(TestHttpServer.Request::method)
        .containsExactly("OPTIONS", "OPTIONS");
  }

  @Test
  void aCheckAnsweredNotFoundFailsTheConnection() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(request -> new Reply(404, "text/html", "<h1>Not found</h1>", Map.of()));

    connection = transport.open(new ClientTransport.ConnectRequest(null, "client-1"), listener);

    assertThat(listener.next(Closed.class).cause())
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("HTTP 404");
    listener.assertExhausted();
  }

  @Test
  void aNewChannelIsPolledWithoutWaitingThenTheLongPollWaits() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request -> {
          if (request.method().equals("OPTIONS")) {
            return new Reply(405, "text/plain", "", Map.of("Allow", "POST"));
          }
          if (request.body().contains("\"news\":null")) {
            return Reply.json(
                "{\"messages\":[],\"positions\":{\"news\":{\"epoch\":\"e1\",\"seq\":4}},"
                    + "\"gaps\":[]}");
          }
          return Reply.HOLD;
        });
    connection = transport.open(new ClientTransport.ConnectRequest("tok", "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);

    connection.send(new ClientFrame.Subscribe("s1", "news", null));

    assertThat(listener.nextSkippingPings(ServerFrame.Subscribed.class))
        .isEqualTo(new ServerFrame.Subscribed("s1", "news", new Position("e1", 4), true));
    await().atMost(PATIENCE).until(() -> server.requests().size() == 3);
    TestHttpServer.Request first = server.requests().get(1);
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.header("Authorization")).isEqualTo("Bearer tok");
    assertThat(first.body())
        .isEqualTo("{\"clientId\":\"client-1\",\"subscriptions\":{\"news\":null},\"waitMs\":0}");
    assertThat(server.requests().get(2).body())
        .isEqualTo(
            "{\"clientId\":\"client-1\",\"subscriptions\":"
                + "{\"news\":{\"epoch\":\"e1\",\"seq\":4}},\"waitMs\":25000}");
    assertThat(transport.kind()).isEqualTo(Transport.HTTP_LONG_POLL);
  }

  @Test
  void subscribingPollsAtOnceAndReportsSubscribedThenGapsThenMessages() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request -> {
          if (server.requests().size() == 1) {
            return Reply.json(EMPTY);
          }
          if (request.body().contains("\"jobs\":{\"epoch\":\"e1\",\"seq\":3}")) {
            return Reply.json(
                "{\"messages\":["
                    + "{\"channel\":\"jobs\",\"epoch\":\"e2\",\"seq\":8,\"event\":\"p\",\"data\":1},"
                    + "{\"channel\":\"jobs\",\"epoch\":\"e2\",\"seq\":9,\"event\":\"p\",\"data\":2}],"
                    + "\"positions\":{\"jobs\":{\"epoch\":\"e2\",\"seq\":9}},"
                    + "\"gaps\":[{\"channel\":\"jobs\",\"from\":{\"epoch\":\"e1\",\"seq\":3},"
                    + "\"to\":{\"epoch\":\"e2\",\"seq\":7}}]}");
          }
          return Reply.HOLD;
        });
    connection = transport.open(new ClientTransport.ConnectRequest(null, "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);

    connection.send(new ClientFrame.Subscribe("s1", "jobs", new Position("e1", 3)));

    assertThat(listener.nextSkippingPings(ServerFrame.Subscribed.class))
        .isEqualTo(new ServerFrame.Subscribed("s1", "jobs", new Position("e2", 9), false));
    assertThat(listener.next(ServerFrame.Gap.class).to()).isEqualTo(new Position("e2", 7));
    assertThat(listener.next(ServerFrame.Message.class).seq()).isEqualTo(8);
    assertThat(listener.next(ServerFrame.Message.class).seq()).isEqualTo(9);
    await().atMost(PATIENCE).until(() -> server.requests().size() >= 3);
    assertThat(server.requests().get(2).body())
        .contains("\"jobs\":{\"epoch\":\"e2\",\"seq\":9}")
        .contains("\"waitMs\":25000");
    assertThat(server.requests().get(1).header("Authorization")).isNull();
  }

  @Test
  void periodicModePollsOncePerIntervalWithoutWaiting() throws Exception {
    HttpPollTransport transport = transport(Mode.PERIODIC, Duration.ofSeconds(2));
    server.respond(request -> Reply.json(EMPTY));
    connection = transport.open(new ClientTransport.ConnectRequest(null, "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);
    await().atMost(PATIENCE).until(() -> scheduler.pendingDelays().size() == 1);
    connection.send(new ClientFrame.Subscribe("s1", "jobs", null));
    listener.next(ServerFrame.Ping.class);
    await().atMost(PATIENCE).until(() -> scheduler.pendingDelays().size() == 1);
    assertThat(server.requests()).hasSize(2);

    scheduler.advance(Duration.ofSeconds(2));

    listener.next(ServerFrame.Ping.class);
    assertThat(server.requests()).hasSize(3);
    assertThat(server.requests().get(2).body()).contains("\"waitMs\":0");
    assertThat(transport.kind()).isEqualTo(Transport.HTTP_POLL);
  }

  @Test
  void periodicModePollsAgainAtOnceWhenTheServerHasMore() throws Exception {
    HttpPollTransport transport = transport(Mode.PERIODIC, Duration.ofSeconds(2));
    server.respond(
        request -> {
          if (request.method().equals("OPTIONS")) {
            return new Reply(405, "text/plain", "", Map.of("Allow", "POST"));
          }
          boolean first = request.body().contains("\"jobs\":null");
          return Reply.json(
              "{\"messages\":[],\"positions\":{\"jobs\":{\"epoch\":\"e1\",\"seq\":1000}},"
                  + "\"gaps\":[],\"more\":"
                  + first
                  + "}");
        });
    connection = transport.open(new ClientTransport.ConnectRequest(null, "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);

    connection.send(new ClientFrame.Subscribe("s1", "jobs", null));

    await().atMost(PATIENCE).until(() -> server.requests().size() == 3);
    assertThat(server.requests().get(2).body())
        .contains("\"jobs\":{\"epoch\":\"e1\",\"seq\":1000}");
    await().atMost(PATIENCE).until(() -> scheduler.pendingDelays().size() == 1);
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void closesWithAnAuthenticationExceptionWhenThePollIsUnauthorized() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request ->
            Reply.problem(
                401,
                "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                    + "\"detail\":\"token expired\",\"code\":\"TOKEN_EXPIRED\"}"));

    connection = transport.open(new ClientTransport.ConnectRequest("old", "client-1"), listener);

    Closed closed = listener.next(Closed.class);
    assertThat(closed.cause())
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
              assertThat(e.transport()).isEqualTo(Transport.HTTP_LONG_POLL);
            })
        .hasMessageContaining("token expired");
    listener.assertExhausted();
  }

  @Test
  void aProblemNamingOneChannelFailsOnlyThatSubscribe() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request -> {
          if (server.requests().size() == 1) {
            return Reply.json(EMPTY);
          }
          if (request.body().contains("secret.area")) {
            return Reply.problem(
                403,
                "{\"title\":\"Forbidden\",\"status\":403,\"code\":\"FORBIDDEN\","
                    + "\"field\":\"subscriptions.secret.area\"}");
          }
          return Reply.HOLD;
        });
    connection = transport.open(new ClientTransport.ConnectRequest(null, "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);

    connection.send(new ClientFrame.Subscribe("s9", "secret.area", null));

    ServerFrame.Error error = listener.nextSkippingPings(ServerFrame.Error.class);
    assertThat(error.id()).isEqualTo("s9");
    assertThat(error.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(error.field()).isEqualTo("subscriptions.secret.area");
    await().atMost(PATIENCE).until(() -> server.requests().size() == 3);
    assertThat(server.requests().get(2).method()).isEqualTo("OPTIONS");
    assertThat(listener.isEmpty()).isTrue();
  }

  @Test
  void publishesOverHttpWithTheIdempotencyIdAndReportsTheAckWithItsEpoch() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request -> {
          if (request.path().equals("/realtime/publish")) {
            return Reply.json("{\"channel\":\"jobs\",\"epoch\":\"e3\",\"seq\":12}");
          }
          return server.requests().size() == 1 ? Reply.json(EMPTY) : Reply.HOLD;
        });
    connection = transport.open(new ClientTransport.ConnectRequest("tok", "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);

    connection.send(
        new ClientFrame.Publish(
            "p-1", "jobs", "progress", JsonNodeFactory.instance.objectNode().put("pct", 50)));

    assertThat(listener.nextSkippingPings(ServerFrame.Ack.class))
        .isEqualTo(new ServerFrame.Ack("p-1", 12, "e3"));
    TestHttpServer.Request publish =
        server.requests().stream()
            .filter(r -> r.path().equals("/realtime/publish"))
            .findFirst()
            .orElseThrow();
    assertThat(publish.body())
        .isEqualTo(
            "{\"channel\":\"jobs\",\"event\":\"progress\",\"data\":{\"pct\":50},"
                + "\"id\":\"p-1\",\"clientId\":\"client-1\"}");
    assertThat(publish.header("Authorization")).isEqualTo("Bearer tok");
  }

  @Test
  void aPublishWaitsUntilTheChannelSubscribedBeforeItIsInPlace() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    CountDownLatch pollAnswered = new CountDownLatch(1);
    server.respond(
        request -> {
          if (request.method().equals("OPTIONS")) {
            return new Reply(405, "text/plain", "", Map.of("Allow", "POST"));
          }
          if (request.path().equals("/realtime/publish")) {
            return Reply.json("{\"channel\":\"news\",\"epoch\":\"e1\",\"seq\":5}");
          }
          if (request.body().contains("\"news\":null")) {
            try {
              pollAnswered.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Reply.json(
                "{\"messages\":[],\"positions\":{\"news\":{\"epoch\":\"e1\",\"seq\":4}},"
                    + "\"gaps\":[]}");
          }
          return Reply.HOLD;
        });
    connection = transport.open(new ClientTransport.ConnectRequest(null, "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);

    connection.send(new ClientFrame.Subscribe("s1", "news", null));
    connection.send(
        new ClientFrame.Publish("p-1", "news", "hello", JsonNodeFactory.instance.nullNode()));

    await()
        .during(Duration.ofMillis(300))
        .atMost(PATIENCE)
        .until(
            () ->
                server.requests().size() == 2
                    && server.requests().stream()
                        .noneMatch(r -> r.path().equals("/realtime/publish")));
    pollAnswered.countDown();
    assertThat(listener.nextSkippingPings(ServerFrame.Subscribed.class).channel())
        .isEqualTo("news");
    assertThat(listener.nextSkippingPings(ServerFrame.Ack.class))
        .isEqualTo(new ServerFrame.Ack("p-1", 5, "e1"));
  }

  @Test
  void publishesGoOutOneAtATimeInTheOrderTheyWereMade() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    CountDownLatch firstHeld = new CountDownLatch(1);
    AtomicInteger seq = new AtomicInteger();
    server.respond(
        request -> {
          if (request.path().equals("/realtime/publish")) {
            if (request.body().contains("\"p-1\"")) {
              try {
                firstHeld.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return Reply.json(
                "{\"channel\":\"jobs\",\"epoch\":\"e1\",\"seq\":" + seq.incrementAndGet() + "}");
          }
          return server.requests().size() == 1 ? Reply.json(EMPTY) : Reply.HOLD;
        });
    connection = transport.open(new ClientTransport.ConnectRequest(null, "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);

    for (String id : List.of("p-1", "p-2", "p-3")) {
      connection.send(
          new ClientFrame.Publish(id, "jobs", "e", JsonNodeFactory.instance.textNode(id)));
    }

    // While the first is unanswered, the others wait.
    await()
        .during(Duration.ofMillis(300))
        .atMost(PATIENCE)
        .until(() -> publishRequests().size() == 1);
    firstHeld.countDown();
    assertThat(listener.nextSkippingPings(ServerFrame.Ack.class))
        .isEqualTo(new ServerFrame.Ack("p-1", 1, "e1"));
    assertThat(listener.nextSkippingPings(ServerFrame.Ack.class))
        .isEqualTo(new ServerFrame.Ack("p-2", 2, "e1"));
    assertThat(listener.nextSkippingPings(ServerFrame.Ack.class))
        .isEqualTo(new ServerFrame.Ack("p-3", 3, "e1"));
    assertThat(publishRequests())
        .extracting(TestHttpServer.Request::body)
        .allSatisfy(body -> assertThat(body).contains("\"event\":\"e\""))
        .satisfiesExactly(
            first -> assertThat(first).contains("\"p-1\""),
            second -> assertThat(second).contains("\"p-2\""),
            third -> assertThat(third).contains("\"p-3\""));
  }

  private List<TestHttpServer.Request> publishRequests() {
    return server.requests().stream().filter(r -> r.path().equals("/realtime/publish")).toList();
  }

  @Test
  void aRefusedPublishBecomesAnErrorFrameForItsId() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request -> {
          if (request.path().equals("/realtime/publish")) {
            return Reply.problem(
                403,
                "{\"title\":\"Forbidden\",\"status\":403,\"code\":\"CHANNEL_RESERVED\","
                    + "\"field\":\"channel\"}");
          }
          return server.requests().size() == 1 ? Reply.json(EMPTY) : Reply.HOLD;
        });
    connection = transport.open(new ClientTransport.ConnectRequest(null, "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);

    connection.send(
        new ClientFrame.Publish("p-2", "session:a", "e", JsonNodeFactory.instance.nullNode()));

    ServerFrame.Error error = listener.nextSkippingPings(ServerFrame.Error.class);
    assertThat(error.id()).isEqualTo("p-2");
    assertThat(error.code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(error.retryable()).isFalse();
    assertThat(error.field()).isEqualTo("channel");
  }

  private static final String EXPIRED =
      "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"token expired\","
          + "\"code\":\"TOKEN_EXPIRED\"}";

  private static boolean bearer(TestHttpServer.Request request, String token) {
    return ("Bearer " + token).equals(request.header("Authorization"));
  }

  @Test
  void aPollRefusedAsExpiredAsksForAFreshTokenAndPollsAgainWithIt() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request -> {
          if (request.method().equals("OPTIONS")) {
            return new Reply(405, "text/plain", "", Map.of("Allow", "POST"));
          }
          if (bearer(request, "old")) {
            return Reply.problem(401, EXPIRED);
          }
          return request.body().contains("\"news\":null")
              ? Reply.json(
                  "{\"messages\":[],\"positions\":{\"news\":{\"epoch\":\"e1\",\"seq\":4}}}")
              : Reply.HOLD;
        });
    connection = transport.open(new ClientTransport.ConnectRequest("old", "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);
    connection.send(new ClientFrame.Subscribe("s1", "news", null));

    ServerFrame.Error refresh = listener.nextSkippingPings(ServerFrame.Error.class);
    assertThat(refresh.id()).isNull();
    assertThat(refresh.code()).isEqualTo(ErrorCode.TOKEN_REFRESH_REQUIRED);
    assertThat(refresh.retryable()).isTrue();
    assertThat(refresh.field()).isEqualTo("token");
    assertThat(listener.isEmpty()).isTrue();

    connection.send(new ClientFrame.Auth("new"));

    assertThat(listener.nextSkippingPings(ServerFrame.Subscribed.class))
        .isEqualTo(new ServerFrame.Subscribed("s1", "news", new Position("e1", 4), true));
    await().atMost(PATIENCE).until(() -> server.requests().size() == 4);
    assertThat(server.requests())
        .extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer old", "Bearer old", "Bearer new", "Bearer new");
    assertThat(server.requests().get(2).body()).contains("\"news\":null");
  }

  @Test
  void aFreshTokenRefusedAsExpiredTooFailsTheConnection() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request ->
            request.method().equals("OPTIONS")
                ? new Reply(405, "text/plain", "", Map.of("Allow", "POST"))
                : Reply.problem(401, EXPIRED));
    connection = transport.open(new ClientTransport.ConnectRequest("old", "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);
    connection.send(new ClientFrame.Subscribe("s1", "news", null));
    assertThat(listener.nextSkippingPings(ServerFrame.Error.class).code())
        .isEqualTo(ErrorCode.TOKEN_REFRESH_REQUIRED);

    connection.send(new ClientFrame.Auth("new"));

    assertThat(listener.nextSkippingPings(Closed.class).cause())
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
    listener.assertExhausted();
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void aPublishRefusedAsExpiredIsSentAgainWithTheFreshToken() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request -> {
          if (request.path().equals("/realtime/publish")) {
            return bearer(request, "old")
                ? Reply.problem(401, EXPIRED)
                : Reply.json("{\"channel\":\"jobs\",\"epoch\":\"e3\",\"seq\":12}");
          }
          return server.requests().size() == 1 ? Reply.json(EMPTY) : Reply.HOLD;
        });
    connection = transport.open(new ClientTransport.ConnectRequest("old", "client-1"), listener);
    listener.next(ServerFrame.Welcome.class);

    connection.send(
        new ClientFrame.Publish("p-1", "jobs", "progress", JsonNodeFactory.instance.objectNode()));
    assertThat(listener.nextSkippingPings(ServerFrame.Error.class).code())
        .isEqualTo(ErrorCode.TOKEN_REFRESH_REQUIRED);
    connection.send(new ClientFrame.Auth("new"));

    assertThat(listener.nextSkippingPings(ServerFrame.Ack.class))
        .isEqualTo(new ServerFrame.Ack("p-1", 12, "e3"));
    assertThat(
            server.requests().stream()
                .filter(r -> r.path().equals("/realtime/publish"))
                .map(r -> r.header("Authorization")))
        .containsExactly("Bearer old", "Bearer new");
  }

  @Test
  void aBusyServersRetryAfterIsReportedWithTheFailure() throws Exception {
    HttpPollTransport transport = transport(Mode.PERIODIC, Duration.ofSeconds(5));
    server.respond(
        request ->
            new Reply(
                503,
                "application/problem+json",
                "{\"title\":\"Service Unavailable\",\"status\":503,"
                    + "\"code\":\"SERVER_UNAVAILABLE\"}",
                Map.of("Retry-After", "120")));

    connection = transport.open(new ClientTransport.ConnectRequest("tok", "client-1"), listener);

    assertThat(listener.next(Closed.class).cause())
        .isInstanceOfSatisfying(
            ConnectionException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
            });
  }

  @Test
  void anUnauthorizedPollWithANewTokenCodeIsARejectionCarryingThatCode() throws Exception {
    HttpPollTransport transport = transport(Mode.LONG_POLL, Duration.ofSeconds(25));
    server.respond(
        request ->
            Reply.problem(
                401, "{\"status\":401,\"code\":\"TOKEN_AUDIENCE_INVALID\",\"detail\":\"aud\"}"));

    connection = transport.open(new ClientTransport.ConnectRequest("tok", "client-1"), listener);

    assertThat(listener.next(Closed.class).cause())
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_AUDIENCE_INVALID));
  }
}
