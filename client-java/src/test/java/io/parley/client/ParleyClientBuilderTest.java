package io.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Transport;
import java.net.URI;
import java.time.Duration;
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
  void buildsADisconnectedClientWithoutConnecting() {
    ParleyClient client = ParleyClient.builder().serverUrl("http://127.0.0.1:1").build();
    try {
      assertThat(client.status()).isEqualTo(ConnectionStatus.DISCONNECTED);
      assertThat(client.transport()).isEmpty();
      assertThat(client.metrics().totalConnections()).isZero();
      assertThat(client.metrics().uptime()).isEqualTo(Duration.ZERO);
    } finally {
      client.close().toCompletableFuture().join();
    }
  }
}
