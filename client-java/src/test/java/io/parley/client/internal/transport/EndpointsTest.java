package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class EndpointsTest {

  @Test
  void derivesEveryEndpointFromAPlainBaseUrl() {
    Endpoints endpoints = new Endpoints(URI.create("http://localhost:8080"));

    assertThat(endpoints.socketIoOrigin()).isEqualTo(URI.create("http://localhost:8080"));
    assertThat(endpoints.socketIoPath()).isEqualTo("/socket.io/");
    assertThat(endpoints.webSocket()).isEqualTo(URI.create("ws://localhost:8080/ws"));
    assertThat(endpoints.poll()).isEqualTo(URI.create("http://localhost:8080/realtime/poll"));
    assertThat(endpoints.publish()).isEqualTo(URI.create("http://localhost:8080/realtime/publish"));
  }

  @Test
  void keepsABasePathAndUsesWssForHttps() {
    Endpoints endpoints = new Endpoints(URI.create("https://example.com/parley"));

    assertThat(endpoints.socketIoOrigin()).isEqualTo(URI.create("https://example.com"));
    assertThat(endpoints.socketIoPath()).isEqualTo("/parley/socket.io/");
    assertThat(endpoints.webSocket()).isEqualTo(URI.create("wss://example.com/parley/ws"));
    assertThat(endpoints.poll()).isEqualTo(URI.create("https://example.com/parley/realtime/poll"));
  }
}
