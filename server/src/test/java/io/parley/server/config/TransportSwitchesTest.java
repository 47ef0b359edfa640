package io.parley.server.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransportSwitchesTest {
  private record Switches(
      boolean socketio,
      boolean socketioPolling,
      boolean socketioWebsocket,
      boolean websocket,
      boolean httpPoll)
      implements RealtimeConfig.Transports {}

  @Test
  void aNodeWithNoTransportLeftRefusesToStartNamingTheSettings() {
    assertThatThrownBy(
            () -> ServerWiring.requireATransport(new Switches(false, true, true, false, false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("realtime.transports.websocket")
        .hasMessageContaining("realtime.transports.http-poll");
  }

  @Test
  void socketIoWithBothEngineTransportsOffCountsAsNoTransport() {
    assertThatThrownBy(
            () -> ServerWiring.requireATransport(new Switches(true, false, false, false, false)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anyOneTransportIsEnough() {
    assertThatCode(
            () -> ServerWiring.requireATransport(new Switches(false, false, false, false, true)))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> ServerWiring.requireATransport(new Switches(true, false, true, false, false)))
        .doesNotThrowAnyException();
  }
}
