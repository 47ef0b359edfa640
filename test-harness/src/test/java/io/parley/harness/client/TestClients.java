package io.parley.harness.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.Ack;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.client.TokenSupplier;
import io.parley.harness.auth.TestIssuer;
import io.parley.protocol.Transport;
import io.parley.protocol.backoff.BackoffPolicy;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Client settings and small blocking helpers shared by the client integration tests. */
final class TestClients {
  /** Longest any single awaited step may take in these tests. */
  static final Duration PATIENCE = Duration.ofSeconds(20);

  private TestClients() {}

  /**
   * A client builder for {@code baseUrl} on {@code transports}, tuned for tests: short connect
   * timeout, fast seeded backoff (100 ms to 500 ms, full jitter), short polls and probes. It
   * presents a user token from {@code issuer} (subject {@code it-user-<seed>}) that may subscribe
   * and publish on every channel, without the publisher role.
   */
  static ParleyClient.Builder client(
      TestIssuer issuer, String baseUrl, long seed, Transport... transports) {
    return ParleyClient.builder()
        .serverUrl(baseUrl)
        .tokenSupplier(TokenSupplier.of(issuer.userToken("it-user-" + seed, "*")))
        .transports(transports)
        .connectTimeout(Duration.ofSeconds(3))
        .backoff(
            BackoffPolicy.exponentialFullJitter(
                Duration.ofMillis(100), Duration.ofMillis(500), new SplittableRandom(seed)))
        .longPollWait(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .probeInterval(Duration.ofSeconds(1));
  }

  /** A backend publisher straight to the server, over HTTP, with the publisher role. */
  static ParleyPublisher publisher(TestIssuer issuer, String baseUrl) {
    return ParleyPublisher.builder()
        .serverUrl(baseUrl)
        .tokenSupplier(TokenSupplier.of(issuer.publisherToken("it-backend")))
        .clientId("it-backend")
        .build();
  }

  /** Waits for a stage's value, at most {@link #PATIENCE}. */
  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the stage did not complete with a value: " + e, e);
    }
  }

  /** Publishes {@code {"n": n}} through the backend publisher and returns the ack. */
  static Ack publish(ParleyPublisher publisher, String channel, long n) {
    Ack ack = join(publisher.publish(channel, "n", "{\"n\":" + n + "}"));
    assertThat(ack.seq()).isPositive();
    return ack;
  }

  /** The {@code n} of a {@code {"n": n}} payload. */
  static long n(String dataJson) {
    return Long.parseLong(dataJson.replaceAll("[^0-9]", ""));
  }
}
