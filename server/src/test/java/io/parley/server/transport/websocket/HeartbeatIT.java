package io.parley.server.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ShortTimingsProfile.class)
class HeartbeatIT {
  @TestHTTPResource("/")
  URL base;

  @Test
  void serverPingsAndKeepsAClientThatAnswers() {
    try (WsTestClient client = WsTestClient.greeted(base.toString(), "lively")) {
      for (int i = 0; i < 5; i++) {
        ServerFrame frame = client.poll();
        assertThat(frame).isInstanceOf(ServerFrame.Ping.class);
        client.send(new ClientFrame.Pong(((ServerFrame.Ping) frame).ts()));
      }
      // Five intervals of 200 ms passed, more than the 600 ms timeout: answering kept it open.
      client.send(new ClientFrame.Ping(1));
      assertThat(client.awaitFrame(ServerFrame.Pong.class, p -> true).ts()).isEqualTo(1);
    }
  }

  @Test
  void aSilentClientIsPingedEveryIntervalThenClosedAtTheTimeoutNotBefore() {
    // Taken before hello is sent: the server counts the silence from its arrival.
    long greeted = System.nanoTime();
    try (WsTestClient client = WsTestClient.greeted(base.toString(), "quiet")) {
      // Pings at 200, 400 and (when it falls before the silence limit) 600 ms, then the close.
      int pings = 0;
      ServerFrame frame;
      while ((frame = client.poll()) instanceof ServerFrame.Ping) {
        pings++;
      }
      long silentFor = System.nanoTime() - greeted;

      assertThat(pings).isBetween(2, 3);
      assertThat(frame).isInstanceOf(ServerFrame.Error.class);
      ServerFrame.Error error = (ServerFrame.Error) frame;

      assertThat(error.code()).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT);
      assertThat(Duration.ofNanos(silentFor))
          .isGreaterThanOrEqualTo(Duration.ofMillis(600).minus(Duration.ofMillis(2)));
    }
  }

  @Test
  void silentConnectionIsClosedWithHeartbeatTimeout() {
    try (WsTestClient client = WsTestClient.greeted(base.toString(), "silent")) {
      ServerFrame.Error error = client.awaitFrame(ServerFrame.Error.class, e -> true);
      assertThat(error.code()).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT);
      assertThat(client.awaitClose()).isEqualTo(NativeConnection.CLOSE_TRY_AGAIN_LATER);
    }
  }
}
