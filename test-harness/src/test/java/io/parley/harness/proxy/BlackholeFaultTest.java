package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.harness.fault.Blackhole;
import io.parley.harness.fault.Direction;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlackholeFaultTest {

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
  void holdsUpstreamDataWhileKeepingTheConnectionOpen() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write("before");
      assertThat(client.readString(6)).isEqualTo("before");

      proxy.addFault("hole", Direction.UPSTREAM, new Blackhole());
      client.write("during");

      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> echo.bytesReceived() == 6 && !client.readable());
      assertThat(proxy.stats().liveConnections()).isEqualTo(1);
    }
  }

  @Test
  void forwardsWhatItHeldInOrderWhenRemoved() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      proxy.addFault("hole", Direction.DOWNSTREAM, new Blackhole());
      client.write("one,");
      client.write("two,");
      client.write("three");
      await().atMost(Duration.ofSeconds(5)).until(() -> echo.bytesReceived() == 13);

      proxy.removeFault("hole");

      assertThat(client.readString(13)).isEqualTo("one,two,three");
    }
  }
}
