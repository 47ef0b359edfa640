package io.parley.harness.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.Ack;
import io.parley.client.AuthenticationException;
import io.parley.client.ParleyPublisher;
import io.parley.client.PublishRejectedException;
import io.parley.harness.auth.TestIssuer;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend publisher's retries against the real server: a {@code RATE_LIMITED} refusal sent
 * again after the server's {@code Retry-After} (one publish a second per user, no burst above it),
 * and an expired token replaced once by the supplier's fresh one. Each case has its control: the
 * same publish without the retry fails as the server answered it.
 */
class PublisherRetryIT {
  private static ServerProcess server;

  @BeforeAll
  static void startServer() {
    server =
        ServerProcess.builder()
            .property("realtime.limits.publish-rate", "1")
            .property("realtime.limits.publish-burst", "1")
            .build()
            .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static ParleyPublisher.Builder user(String subject) {
    return ParleyPublisher.builder()
        .serverUrl(server.baseUrl())
        .tokenSupplier(() -> server.issuer().userToken(subject, "*"));
  }

  private static Throwable failure(CompletableFuture<Ack> result) {
    assertThat(result).failsWithin(TestClients.PATIENCE);
    return result.handle((ack, failure) -> failure.getCause()).join();
  }

  @Test
  void aRateLimitedPublishIsSentAgainAfterTheServersRetryAfterAndAcked() {
    try (ParleyPublisher publisher = user("retrying").build()) {
      Ack first = TestClients.join(publisher.publish("retry:rate", "e", "1"));
      Ack second = TestClients.join(publisher.publish("retry:rate", "e", "2"));

      assertThat(second.seq()).isEqualTo(first.seq() + 1);
    }
  }

  @Test
  void withOneAttemptTheSameRateLimitedPublishFails() {
    try (ParleyPublisher publisher = user("not-retrying").maxAttempts(1).build()) {
      TestClients.join(publisher.publish("retry:control", "e", "1"));
      CompletableFuture<Ack> second =
          publisher.publish("retry:control", "e", "2").toCompletableFuture();

      assertThat(failure(second))
          .isInstanceOfSatisfying(
              PublishRejectedException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                assertThat(e.httpStatus()).isEqualTo(429);
              });
    }
  }

  @Test
  void anExpiredTokenIsReplacedOnceByTheSuppliersFreshOne() {
    TestIssuer issuer = server.issuer();
    String expired =
        issuer.token("renewing", List.of("*"), List.of("*"), Set.of(), Duration.ofMinutes(-5));
    AtomicInteger asked = new AtomicInteger();
    try (ParleyPublisher publisher =
        ParleyPublisher.builder()
            .serverUrl(server.baseUrl())
            .tokenSupplier(
                () -> asked.incrementAndGet() == 1 ? expired : issuer.userToken("renewing", "*"))
            .build()) {
      Ack ack = TestClients.join(publisher.publish("retry:token", "e", "1"));

      assertThat(ack.seq()).isPositive();
      assertThat(asked).hasValue(2);
    }
  }

  @Test
  void anExpiredTokenWithoutAFreshOneFailsAsTokenExpired() {
    String expired =
        server
            .issuer()
            .token("stale", List.of("*"), List.of("*"), Set.of(), Duration.ofMinutes(-5));
    try (ParleyPublisher publisher =
        ParleyPublisher.builder()
            .serverUrl(server.baseUrl())
            .tokenSupplier(() -> expired)
            .build()) {
      CompletableFuture<Ack> result =
          publisher.publish("retry:stale", "e", "1").toCompletableFuture();

      assertThat(failure(result))
          .isInstanceOfSatisfying(
              AuthenticationException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
    }
  }
}
