package io.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.protocol.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EnvironmentOptionsTest {

  @Test
  void readsEveryVariable() {
    ClientOptions options =
        ParleyClient.builder()
            .fromEnvironment(
                Map.of(
                    "PARLEY_URL", " https://a.example ",
                    "PARLEY_TOKEN", "t0ken",
                    "PARLEY_CLIENT_ID", "svc-7",
                    "PARLEY_TRANSPORTS", "websocket, http-long-poll,HTTP_POLL",
                    "PARLEY_CONNECT_TIMEOUT", "1500ms",
                    "PARLEY_HEARTBEAT_TIMEOUT", "PT20S",
                    "PARLEY_MAX_ATTEMPTS", "5"))
            .options();

    assertThat(options.serverUrls()).containsExactly(URI.create("https://a.example"));
    assertThat(options.tokenSupplier().token()).isEqualTo("t0ken");
    assertThat(options.clientId()).isEqualTo("svc-7");
    assertThat(options.transports())
        .containsExactly(Transport.WEBSOCKET, Transport.HTTP_LONG_POLL, Transport.HTTP_POLL);
    assertThat(options.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(options.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.maxAttempts()).isEqualTo(5);
  }

  @Test
  void severalUrlsAreTheServerList() {
    ClientOptions options =
        ParleyClient.builder()
            .random(new SplittableRandom(1))
            .fromEnvironment(Map.of("PARLEY_URL", "http://a.example:8080,http://b.example:8080"))
            .options();

    assertThat(options.serverUrls())
        .containsExactlyInAnyOrder(
            URI.create("http://a.example:8080"), URI.create("http://b.example:8080"));
  }

  @Test
  void unsetOrBlankVariablesLeaveTheOptionsAsTheyWere() {
    ClientOptions options =
        ParleyClient.builder()
            .serverUrl("https://code.example")
            .connectTimeout(Duration.ofSeconds(3))
            .fromEnvironment(Map.of("PARLEY_CONNECT_TIMEOUT", "  ", "OTHER", "x"))
            .options();

    assertThat(options.serverUrls()).containsExactly(URI.create("https://code.example"));
    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void eachBadValueIsRefusedNamingItsVariable() {
    assertRefused("PARLEY_URL", "ws://a.example", "PARLEY_URL 'ws://a.example': serverUrl must");
    assertRefused("PARLEY_URL", "http://a.example,", "no empty item");
    assertRefused(
        "PARLEY_URL", "http://a.example,http://a.example", "serverUrls[1] repeats serverUrls[0]");
    assertRefused("PARLEY_TRANSPORTS", "websocket,carrier-pigeon", "'carrier-pigeon' is none");
    assertRefused("PARLEY_TRANSPORTS", "websocket,WEBSOCKET", "lists WEBSOCKET twice");
    assertRefused("PARLEY_CONNECT_TIMEOUT", "soon", "PARLEY_CONNECT_TIMEOUT 'soon': expected a");
    assertRefused("PARLEY_CONNECT_TIMEOUT", "0s", "connectTimeout must be positive");
    assertRefused("PARLEY_MAX_ATTEMPTS", "many", "expected a whole number");
    assertRefused("PARLEY_MAX_ATTEMPTS", "-1", "maxAttempts must be >= 0");
    assertRefused("PARLEY_CLIENT_ID", "x".repeat(200), "clientId must have 1 to");
  }

  private static void assertRefused(String variable, String value, String expected) {
    assertThatThrownBy(() -> ParleyClient.builder().fromEnvironment(Map.of(variable, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(variable)
        .hasMessageContaining(expected);
  }
}
