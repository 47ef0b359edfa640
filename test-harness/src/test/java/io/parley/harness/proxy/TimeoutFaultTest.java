package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.Timeout;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimeoutFaultTest {

  private EchoServer echo;
  private FaultProxy proxy;

  @BeforeEach
  void startEchoBehindProxy() {
    echo = EchoServer.start();
    proxy = FaultProxy.builder().upstream("127.0.0.1", echo.port()).start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void dropsDataAndClosesTheConnectionAfterTheTimeout() throws IOException {
    Duration after = Duration.ofMillis(300);
    try (TestSocket client = TestSocket.connect(proxy)) {
      long start = System.nanoTime();
      proxy.addFault("cut", Direction.UPSTREAM, new Timeout(after));
      client.write("lost");

      TestSocket.Outcome outcome = client.readToEnd();

      assertThat(outcome.received()).isEmpty();
      assertThat(outcome.endedCleanly()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(after);
      assertThat(echo.bytesReceived()).isZero();
    }
  }

  @Test
  void zeroNeverClosesButRemovingItCloses() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      proxy.addFault("hang", Direction.DOWNSTREAM, new Timeout(Duration.ZERO));
      client.write("echo dropped");
      await().atMost(Duration.ofSeconds(5)).until(() -> echo.bytesReceived() == 12);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> proxy.stats().liveConnections() == 1 && !client.readable());

      proxy.removeFault("hang");

      TestSocket.Outcome outcome = client.readToEnd();
      assertThat(outcome.received()).isEmpty();
    }
  }
}
