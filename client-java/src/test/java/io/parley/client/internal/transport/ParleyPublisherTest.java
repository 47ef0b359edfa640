package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.parley.client.Ack;
import io.parley.client.AuthenticationException;
import io.parley.client.ClientClosedException;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.client.PublishRejectedException;
import io.parley.client.TokenSupplier;
import io.parley.client.internal.transport.TestHttpServer.Reply;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.time.FakeScheduler;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParleyPublisherTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static final Reply ACK = Reply.json("{\"channel\":\"a\",\"epoch\":\"e1\",\"seq\":7}");
  private static final Reply EXPIRED =
      Reply.problem(401, "{\"title\":\"Unauthorized\",\"code\":\"TOKEN_EXPIRED\"}");

  private final FakeScheduler scheduler = new FakeScheduler();

  private TestHttpServer server;
  private ParleyPublisher publisher;

  @AfterEach
  void stop() {
    if (publisher != null) {
      publisher.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private ParleyPublisher publisher(String clientId) throws Exception {
    server = new TestHttpServer();
    publisher =
        ParleyPublisher.builder()
            .serverUrl(server.base().toString())
            .tokenSupplier(() -> "backend-token")
            .clientId(clientId)
            .build();
    return publisher;
  }

  @Test
  void postsThePublishWithItsIdAndReturnsTheAck() throws Exception {
    publisher("billing");
    server.respond(request -> Reply.json("{\"channel\":\"jobs:7\",\"epoch\":\"e1\",\"seq\":42}"));

    Ack ack =
        publisher
            .publish("jobs:7", "progress", "{\"pct\":100}", "job-7-done")
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);

    assertThat(ack).isEqualTo(new Ack("jobs:7", "job-7-done", 42, "e1"));
    TestHttpServer.Request request = server.requests().get(0);
    assertThat(request.path()).isEqualTo("/realtime/publish");
    assertThat(request.header("Authorization")).isEqualTo("Bearer backend-token");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.body())
        .isEqualTo(
            "{\"channel\":\"jobs:7\",\"event\":\"progress\",\"data\":{\"pct\":100},"
                + "\"id\":\"job-7-done\",\"clientId\":\"billing\"}");
  }

  @Test
  void generatesAnIdAndSendsNoClientIdByDefault() throws Exception {
    publisher(null);
    server.respond(request -> Reply.json("{\"channel\":\"a\",\"epoch\":\"e1\",\"seq\":1}"));

    Ack ack = publisher.publish("a", "e", "\"hi\"").toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(ack.id()).hasSize(36);
    assertThat(server.requests().get(0).body())
        .contains("\"data\":\"hi\"")
        .contains("\"id\":\"" + ack.id() + "\"")
        .doesNotContain("clientId");
  }

  @Test
  void turnsAProblemIntoAPublishRejectedExceptionWithTheServersCodeAndField() throws Exception {
    publisher("billing");
    server.respond(
        request ->
            Reply.problem(
                400,
                "{\"type\":\"https://parley.io/problems/invalid-field\",\"title\":\"Bad request\","
                    + "\"status\":400,\"detail\":\"event must have 1 to 200 characters\","
                    + "\"field\":\"event\",\"code\":\"INVALID_FIELD\"}"));

    CompletableFuture<Ack> result = publisher.publish("a", "e", "1").toCompletableFuture();

    assertThat(result)
        .failsWithin(PATIENCE)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            PublishRejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
              assertThat(e.field()).isEqualTo("event");
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e.retryable()).isFalse();
              assertThat(e.channel()).isEqualTo("a");
              assertThat(e).hasMessageContaining("event must have 1 to 200 characters");
            });
  }

  @Test
  void reportsAnUnreadableServerErrorAsRetryable() throws Exception {
    publisher("billing");
    server.respond(
        request -> new Reply(502, "text/html", "<h1>Bad Gateway</h1>", java.util.Map.of()));

    assertThat(publisher.publish("a", "e", "1").toCompletableFuture())
        .failsWithin(PATIENCE)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            PublishRejectedException.class,
            e -> {
              assertThat(e.code()).isNull();
              assertThat(e.httpStatus()).isEqualTo(502);
              assertThat(e.retryable()).isTrue();
              assertThat(e).hasMessageContaining("Bad Gateway");
            });
  }

  @Test
  void reportsARefusedTokenAsAnAuthenticationException() throws Exception {
    publisher("billing");
    server.respond(
        request -> Reply.problem(401, "{\"title\":\"Unauthorized\",\"code\":\"TOKEN_INVALID\"}"));

    assertThat(publisher.publish("a", "e", "1").toCompletableFuture())
        .failsWithin(PATIENCE)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_INVALID));
  }

  @Test
  void reportsAnUnreachableServerAsAConnectionException() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    publisher = ParleyPublisher.builder().serverUrl("http://127.0.0.1:" + port).build();

    assertThat(publisher.publish("a", "e", "1").toCompletableFuture())
        .failsWithin(PATIENCE)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(ConnectionException.class)
        .withMessageContaining("publish to a failed");
  }

  @Test
  void aPublisherWithSeveralNodesSendsToTheNextAtOnceWhenItsNodeDoesNotAnswerAndStaysThere()
      throws Exception {
    String dead = deadUrl();
    server = new TestHttpServer();
    server.respond(request -> ACK);
    List<String> urls = List.of(dead, server.base().toString());
    publisher =
        ParleyPublisher.builder()
            .serverUrls(urls)
            .random(new SplittableRandom(seedPuttingFirst(urls, dead)))
            .clientId("billing")
            .scheduler(scheduler)
            .build();

    Ack first =
        publisher.publish("a", "e", "1", "p-1").toCompletableFuture().get(10, TimeUnit.SECONDS);
    Ack second =
        publisher.publish("a", "e", "2", "p-2").toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(first.id()).isEqualTo("p-1");
    assertThat(second.id()).isEqualTo("p-2");
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(0).body()).contains("\"id\":\"p-1\"");
    assertThat(scheduler.pendingDelays()).as("no wait before the next node").isEmpty();
  }

  @Test
  void aPublisherWithSeveralNodesCountsTheMoveAsAnAttempt() throws Exception {
    String dead = deadUrl();
    server = new TestHttpServer();
    server.respond(request -> ACK);
    List<String> urls = List.of(dead, server.base().toString());
    publisher =
        ParleyPublisher.builder()
            .serverUrls(urls)
            .random(new SplittableRandom(seedPuttingFirst(urls, dead)))
            .maxAttempts(1)
            .build();

    assertThat(publisher.publish("a", "e", "1").toCompletableFuture())
        .failsWithin(PATIENCE)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(ConnectionException.class);
    assertThat(server.requests()).isEmpty();
  }

  /** A loopback URL nothing listens on. */
  private static String deadUrl() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  /** The first seed whose shuffle of {@code urls} puts {@code first} first. */
  private static long seedPuttingFirst(List<String> urls, String first) {
    for (long seed = 0; seed < 1_000; seed++) {
      URI head =
          ParleyClient.builder()
              .serverUrls(urls)
              .random(new SplittableRandom(seed))
              .options()
              .serverUrl();
      if (head.equals(URI.create(first))) {
        return seed;
      }
    }
    throw new AssertionError("no seed puts " + first + " first");
  }

  @Test
  void validatesTheChannelEventAndJsonBeforeSending() throws Exception {
    publisher("billing");

    assertThatThrownBy(() -> publisher.publish("bad channel", "e", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> publisher.publish("a", "e", "{"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> publisher.publish("a", "e", "1", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void closeFailsPublishesInFlight() throws Exception {
    publisher("billing");
    server.respond(request -> Reply.HOLD);
    CompletableFuture<Ack> result = publisher.publish("a", "e", "1").toCompletableFuture();
    await().atMost(PATIENCE).until(() -> server.requests().size() == 1);

    publisher.close();

    assertThat(result)
        .failsWithin(PATIENCE)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(ClientClosedException.class);
    assertThat(publisher.publish("a", "e", "1").toCompletableFuture()).isCompletedExceptionally();
  }

  /** The cause a publish's stage failed with. */
  private static ThrowableAssertAlternative<?> failureOf(CompletableFuture<Ack> result) {
    return assertThat(result).failsWithin(PATIENCE).withThrowableThat().havingCause();
  }

  // ------------------------------------------------------------------ retries

  private static Reply rateLimited(String retryAfter) {
    return new Reply(
        429,
        "application/problem+json",
        "{\"title\":\"Too Many Requests\",\"code\":\"RATE_LIMITED\"}",
        retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter));
  }

  private static Reply unavailable(String retryAfter) {
    return new Reply(
        503,
        "application/problem+json",
        "{\"title\":\"Service Unavailable\",\"code\":\"SERVER_UNAVAILABLE\"}",
        Map.of("Retry-After", retryAfter));
  }

  private void start(ParleyPublisher.Builder builder, Reply... replies) throws Exception {
    server = new TestHttpServer();
    Queue<Reply> answers = new ConcurrentLinkedQueue<>(List.of(replies));
    server.respond(
        request -> {
          Reply reply = answers.poll();
          return reply == null ? ACK : reply;
        });
    publisher = builder.serverUrl(server.base().toString()).scheduler(scheduler).build();
  }

  private void awaitRequests(int count) {
    await().atMost(PATIENCE).until(() -> server.requests().size() == count);
  }

  @Test
  void sendsARateLimitedPublishAgainAfterTheServersRetryAfter() throws Exception {
    start(ParleyPublisher.builder(), rateLimited("2"));

    CompletableFuture<Ack> result = publisher.publish("a", "e", "1", "p-1").toCompletableFuture();
    awaitRequests(1);
    await().atMost(PATIENCE).until(() -> !scheduler.pendingDelays().isEmpty());

    assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(2));
    scheduler.advance(Duration.ofMillis(1999));
    assertThat(server.requests()).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));

    assertThat(result).succeedsWithin(PATIENCE).isEqualTo(new Ack("a", "p-1", 7, "e1"));
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(1).body()).isEqualTo(server.requests().get(0).body());
  }

  @Test
  void waitsOneSecondWhenARefusalNamesNoDelay() throws Exception {
    start(ParleyPublisher.builder(), rateLimited(null));

    CompletableFuture<Ack> result = publisher.publish("a", "e", "1").toCompletableFuture();
    await().atMost(PATIENCE).until(() -> !scheduler.pendingDelays().isEmpty());

    assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(1));
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(result).succeedsWithin(PATIENCE);
  }

  @Test
  void makesAtMostMaxAttemptsRequestsThenFailsWithTheLastRefusal() throws Exception {
    start(
        ParleyPublisher.builder().maxAttempts(3),
        unavailable("1"),
        unavailable("1"),
        unavailable("1"),
        unavailable("1"));

    CompletableFuture<Ack> result = publisher.publish("a", "e", "1").toCompletableFuture();
    for (int attempt = 1; attempt < 3; attempt++) {
      awaitRequests(attempt);
      await().atMost(PATIENCE).until(() -> !scheduler.pendingDelays().isEmpty());
      scheduler.advance(Duration.ofSeconds(1));
    }

    failureOf(result)
        .isInstanceOfSatisfying(
            PublishRejectedException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(503);
              assertThat(e.code()).isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
            });
    assertThat(server.requests()).hasSize(3);
    assertThat(scheduler.pendingDelays()).isEmpty();
  }

  @Test
  void oneAttemptSendsNothingAgain() throws Exception {
    start(ParleyPublisher.builder().maxAttempts(1), rateLimited("1"));

    failureOf(publisher.publish("a", "e", "1").toCompletableFuture())
        .isInstanceOfSatisfying(
            PublishRejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    assertThat(server.requests()).hasSize(1);
    assertThat(scheduler.pendingDelays()).isEmpty();
  }

  @Test
  void failsAtOnceWhenTheServerAsksForLongerThanMaxRetryDelay() throws Exception {
    start(ParleyPublisher.builder().maxRetryDelay(Duration.ofSeconds(30)), rateLimited("31"));

    failureOf(publisher.publish("a", "e", "1").toCompletableFuture())
        .isInstanceOf(PublishRejectedException.class);
    assertThat(server.requests()).hasSize(1);
    assertThat(scheduler.pendingDelays()).isEmpty();
  }

  @Test
  void sendsATokenExpiredPublishAgainOnceWithAFreshToken() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    TokenSupplier tokens = () -> "token-" + asked.incrementAndGet();
    start(ParleyPublisher.builder().tokenSupplier(tokens), EXPIRED);

    CompletableFuture<Ack> result = publisher.publish("a", "e", "1", "p-1").toCompletableFuture();

    assertThat(result).succeedsWithin(PATIENCE).extracting(Ack::seq).isEqualTo(7L);
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer token-1");
    assertThat(server.requests().get(1).header("Authorization")).isEqualTo("Bearer token-2");
  }

  @Test
  void renewsTheTokenOnlyOncePerPublish() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    TokenSupplier tokens = () -> "token-" + asked.incrementAndGet();
    start(ParleyPublisher.builder().tokenSupplier(tokens), EXPIRED, EXPIRED, EXPIRED);

    failureOf(publisher.publish("a", "e", "1").toCompletableFuture())
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
    assertThat(server.requests()).hasSize(2);
    assertThat(asked).hasValue(2);
  }

  @Test
  void doesNotSendAgainWhenTheSupplierHasNoFreshToken() throws Exception {
    start(ParleyPublisher.builder().tokenSupplier(TokenSupplier.of("stale")), EXPIRED);

    failureOf(publisher.publish("a", "e", "1").toCompletableFuture())
        .isInstanceOf(AuthenticationException.class);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void reportsTheRefusalWithTheSuppliersFailureSuppressed() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    TokenSupplier tokens =
        () -> {
          if (asked.incrementAndGet() > 1) {
            throw new IllegalStateException("vault unreachable");
          }
          return "token-1";
        };
    start(ParleyPublisher.builder().tokenSupplier(tokens), EXPIRED);

    failureOf(publisher.publish("a", "e", "1").toCompletableFuture())
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e ->
                assertThat(e.getSuppressed())
                    .extracting(Throwable::getMessage)
                    .containsExactly("vault unreachable"));
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void closeFailsAPublishWaitingToBeSentAgain() throws Exception {
    start(ParleyPublisher.builder(), rateLimited("5"));
    CompletableFuture<Ack> result = publisher.publish("a", "e", "1").toCompletableFuture();
    await().atMost(PATIENCE).until(() -> !scheduler.pendingDelays().isEmpty());

    publisher.close();
    scheduler.advance(Duration.ofSeconds(5));

    assertThat(result).failsWithin(PATIENCE);
    assertThat(server.requests()).hasSize(1);
  }
}
