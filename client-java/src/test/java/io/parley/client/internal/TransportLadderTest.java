package io.parley.client.internal;

import static io.parley.protocol.Transport.HTTP_LONG_POLL;
import static io.parley.protocol.Transport.SOCKET_IO;
import static io.parley.protocol.Transport.WEBSOCKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.time.FakeScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportLadderTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final TransportLadder ladder =
      new TransportLadder(
          List.of(SOCKET_IO, WEBSOCKET, HTTP_LONG_POLL),
          3,
          Duration.ofMinutes(2),
          scheduler.ticker());

  @Test
  void aTransportNotOfferedIsSkippedAtOnceForTheSkipDurationWithoutCountingAFailure() {
    ladder.notOffered(WEBSOCKET);

    assertThat(ladder.roundOrder()).containsExactly(SOCKET_IO, HTTP_LONG_POLL);
    assertThat(ladder.failures(WEBSOCKET)).isZero();

    scheduler.advance(Duration.ofMinutes(2));
    assertThat(ladder.roundOrder()).containsExactly(SOCKET_IO, WEBSOCKET, HTTP_LONG_POLL);
  }

  @Test
  void anOrdinaryFailureIsSkippedOnlyAtTheThreshold() {
    ladder.recordFailure(WEBSOCKET);
    ladder.recordFailure(WEBSOCKET);
    assertThat(ladder.roundOrder()).contains(WEBSOCKET);

    ladder.recordFailure(WEBSOCKET);
    assertThat(ladder.roundOrder()).doesNotContain(WEBSOCKET);
  }

  @Test
  void resetForgetsEveryFailureAndSkipForTheNextServer() {
    for (int i = 0; i < 3; i++) {
      ladder.recordFailure(SOCKET_IO);
    }
    ladder.notOffered(WEBSOCKET);
    ladder.recordFailure(HTTP_LONG_POLL);

    ladder.reset();

    assertThat(ladder.roundOrder()).containsExactly(SOCKET_IO, WEBSOCKET, HTTP_LONG_POLL);
    assertThat(ladder.failures(SOCKET_IO)).isZero();
    assertThat(ladder.failures(HTTP_LONG_POLL)).isZero();
  }
}
