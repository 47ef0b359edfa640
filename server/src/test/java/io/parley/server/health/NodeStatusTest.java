package io.parley.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.HealthStatus;
import io.parley.protocol.Transport;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeStatusTest {
  private static final TransportResult OK =
      new TransportResult(TransportResult.State.OK, 3, null, 1);
  private static final TransportResult FAILED =
      new TransportResult(TransportResult.State.FAILED, 3, "refused", 1);
  private static final TransportResult OFF = TransportResult.disabled();

  private static HealthStatus judge(
      TransportResult socketIo,
      TransportResult ws,
      TransportResult longPoll,
      TransportResult poll) {
    Map<Transport, TransportResult> results = new EnumMap<>(Transport.class);
    results.put(Transport.SOCKET_IO, socketIo);
    results.put(Transport.WEBSOCKET, ws);
    results.put(Transport.HTTP_LONG_POLL, longPoll);
    results.put(Transport.HTTP_POLL, poll);
    return NodeStatus.of(results).status();
  }

  @Test
  void everyEnabledTransportPassingIsHealthyWhateverIsDisabled() {
    assertThat(judge(OK, OK, OK, OK)).isEqualTo(HealthStatus.HEALTHY);
    assertThat(judge(OK, OFF, OFF, OFF)).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void anotherTransportFailingIsDegraded() {
    assertThat(judge(OK, FAILED, OK, OK)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(judge(OK, OK, FAILED, FAILED)).isEqualTo(HealthStatus.DEGRADED);
    assertThat(judge(FAILED, OK, OK, OK)).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void socketIoAndTheWebSocketBothDownIsCriticalEvenWithHttpUp() {
    assertThat(judge(FAILED, FAILED, OK, OK)).isEqualTo(HealthStatus.CRITICAL);
    assertThat(judge(FAILED, OFF, OK, OK)).isEqualTo(HealthStatus.CRITICAL);
  }

  @Test
  void noTransportPassingIsCritical() {
    assertThat(judge(OFF, OFF, FAILED, FAILED)).isEqualTo(HealthStatus.CRITICAL);
  }

  @Test
  void onlyHttpConfiguredAndPassingIsHealthy() {
    assertThat(judge(OFF, OFF, OK, OK)).isEqualTo(HealthStatus.HEALTHY);
  }
}
