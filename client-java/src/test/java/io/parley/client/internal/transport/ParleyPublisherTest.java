package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.parley.client.Ack;
import io.parley.client.AuthenticationException;
import io.parley.client.ClientClosedException;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyPublisher;
import io.parley.client.PublishRejectedException;
import io.parley.client.internal.transport.TestHttpServer.Reply;
import io.parley.protocol.ErrorCode;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParleyPublisherTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

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
}
