package io.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParleyClientBuilderTest {

  @Test
  void startsFromTheDocumentedDefaults() {
    ClientOptions options = ParleyClient.builder().serverUrl("https://rt.example.com/").options();

    assertThat(options.serverUrl()).isEqualTo(URI.create("https://rt.example.com"));
    assertThat(options.transports())
        .containsExactly(
            Transport.SOCKET_IO,
            Transport.WEBSOCKET,
            Transport.HTTP_LONG_POLL,
            Transport.HTTP_POLL);
    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.probeInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.stablePeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.outboxCapacity()).isEqualTo(1_000);
    assertThat(options.maxAttempts()).isEqualTo(ClientOptions.UNLIMITED_ATTEMPTS);
    assertThat(options.heartbeatTimeout()).isNull();
    assertThat(options.tokenSupplier().token()).isNull();
    assertThat(options.clientId()).hasSize(36);
    assertThat(options.backoff().delay(6)).isLessThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void keepsOneClientIdForTheLifetimeOfABuilder() {
    ParleyClient.Builder builder = ParleyClient.builder().serverUrl("http://localhost:8080");

    assertThat(builder.options().clientId()).isEqualTo(builder.options().clientId());
  }

  @Test
  void rejectsBadOptionsNamingThem() {
    ParleyClient.Builder builder = ParleyClient.builder();

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("serverUrl is required");
    assertThatThrownBy(() -> builder.serverUrl("ws://localhost:8080"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serverUrl must be an http or https URL");
    assertThatThrownBy(() -> builder.serverUrl("http://localhost:8080/?x=1"))
        .hasMessageContaining("no query or fragment");
    assertThatThrownBy(() -> builder.transports(Transport.WEBSOCKET, Transport.WEBSOCKET))
        .hasMessage("transports lists WEBSOCKET twice");
    assertThatThrownBy(() -> builder.transports(java.util.List.of()))
        .hasMessage("transports must name at least one transport");
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO))
        .hasMessage("connectTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> builder.outboxCapacity(0))
        .hasMessage("outboxCapacity must be >= 1 but was 0");
    assertThatThrownBy(() -> builder.clientId(""))
        .hasMessage("clientId must have 1 to 128 characters but had 0");
    assertThatThrownBy(() -> builder.maxAttempts(-1))
        .hasMessage("maxAttempts must be >= 0 but was -1");
  }

  @Test
  void shufflesTheServerUrlsOncePerClientWithTheSeededRandomSource() {
    List<String> urls =
        List.of("http://10.0.0.1:8080", "http://10.0.0.2:8080/", "http://10.0.0.3:8080");

    List<URI> first =
        ParleyClient.builder()
            .serverUrls(urls)
            .random(new SplittableRandom(7))
            .options()
            .serverUrls();
    List<URI> again =
        ParleyClient.builder()
            .serverUrls(urls)
            .random(new SplittableRandom(7))
            .options()
            .serverUrls();

    assertThat(first)
        .containsExactlyInAnyOrder(
            URI.create("http://10.0.0.1:8080"),
            URI.create("http://10.0.0.2:8080"),
            URI.create("http://10.0.0.3:8080"));
    assertThat(again).isEqualTo(first);
    Set<List<URI>> orders = new HashSet<>();
    for (int seed = 0; seed < 50; seed++) {
      orders.add(
          ParleyClient.builder()
              .serverUrls(urls)
              .random(new SplittableRandom(seed))
              .options()
              .serverUrls());
    }
    assertThat(orders).as("every order of three URLs, over 50 seeds").hasSize(6);
  }

  @Test
  void theFirstUrlOfTheClientsOrderIsItsServerUrl() {
    ClientOptions options =
        ParleyClient.builder()
            .serverUrls(URI.create("http://a.example"), URI.create("http://b.example"))
            .random(new SplittableRandom(1))
            .options();

    assertThat(options.serverUrl()).isEqualTo(options.serverUrls().get(0));
  }

  @Test
  void aSingleServerUrlDrawsNothingFromTheRandomSource() {
    SplittableRandom used = new SplittableRandom(42);
    ClientOptions options =
        ParleyClient.builder().serverUrls(List.of("http://a.example")).random(used).options();

    assertThat(options.serverUrls()).containsExactly(URI.create("http://a.example"));
    assertThat(used.nextLong()).isEqualTo(new SplittableRandom(42).nextLong());
  }

  @Test
  void theLastOfServerUrlAndServerUrlsWins() {
    ParleyClient.Builder builder =
        ParleyClient.builder().serverUrls(List.of("http://a.example", "http://b.example"));

    assertThat(builder.serverUrl("http://c.example").options().serverUrls())
        .containsExactly(URI.create("http://c.example"));
  }

  @Test
  void rejectsBadServerUrlsNamingTheOneAtFault() {
    ParleyClient.Builder builder = ParleyClient.builder();

    assertThatThrownBy(() -> builder.serverUrls(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverUrls must name at least one URL");
    assertThatThrownBy(() -> builder.serverUrls(new URI[0]))
        .hasMessage("serverUrls must name at least one URL");
    assertThatThrownBy(() -> builder.serverUrls(List.of("http://a.example", "ws://b.example")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverUrls[1] must be an http or https URL but was ws://b.example");
    assertThatThrownBy(() -> builder.serverUrls(List.of("http://a.example/?x=1")))
        .hasMessage("serverUrls[0] must have no query or fragment but was http://a.example/?x=1");
    assertThatThrownBy(() -> builder.serverUrls(List.of("http://a.example", "http://a b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("serverUrls[1] is not a URL: ");
    assertThatThrownBy(() -> builder.serverUrls(URI.create("http:///path")))
        .hasMessage("serverUrls[0] must name a host but was http:///path");
    assertThatThrownBy(() -> builder.serverUrls(Arrays.asList("http://a.example", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("serverUrls[1] is null");
    assertThatThrownBy(
            () ->
                builder.serverUrls(
                    List.of("http://a.example:8080", "http://b.example", "http://A.example:8080/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverUrls[2] repeats serverUrls[0]: http://A.example:8080 is listed twice");
    assertThatThrownBy(builder::build)
        .as("nothing was set by the refused calls")
        .hasMessage("serverUrl is required");
  }

  @Test
  void buildsADisconnectedClientWithoutConnecting() {
    ParleyClient client = ParleyClient.builder().serverUrl("http://127.0.0.1:1").build();
    try {
      assertThat(client.status()).isEqualTo(ConnectionStatus.DISCONNECTED);
      assertThat(client.transport()).isEmpty();
      assertThat(client.server()).isEmpty();
      assertThat(client.metrics().totalConnections()).isZero();
      assertThat(client.metrics().uptime()).isEqualTo(Duration.ZERO);
    } finally {
      client.close().toCompletableFuture().join();
    }
  }
}
