package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.ResetPeer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResetPeerFaultTest {

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
  void resetsLiveConnectionsWhenAddedWithZeroBytes() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write("hi");
      client.readExactly(2);

      proxy.addFault("rst", Direction.UPSTREAM, ResetPeer.now());

      assertThat(client.readToEnd().wasReset()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> !echo.connectionErrors().isEmpty());
      assertThat(echo.connectionErrors().get(0)).hasMessageContaining("reset");
    }
  }

  @Test
  void resetsNewConnectionsWhileInstalled() throws IOException {
    proxy.addFault("rst", Direction.DOWNSTREAM, ResetPeer.now());

    try (TestSocket client = TestSocket.connect(proxy)) {
      assertThat(client.readToEnd().wasReset()).isTrue();
    }
  }

  @Test
  void letsTheGivenBytesThroughThenResets() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      proxy.addFault("cut", Direction.DOWNSTREAM, new ResetPeer(5));

      client.write("hello world");
      TestSocket.Outcome outcome = client.readToEnd();

      assertThat(outcome.received()).isEqualTo("hello");
      assertThat(outcome.wasReset()).isTrue();
    }
  }

  @Test
  void countsBytesAcrossChunks() throws IOException {
    proxy.addFault("cut", Direction.UPSTREAM, new ResetPeer(6));
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write("abc");
      assertThat(client.readString(3)).isEqualTo("abc");

      client.write("defghi");

      assertThat(client.readToEnd().wasReset()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> !echo.connectionErrors().isEmpty());
      // The server got exactly six bytes, then the reset; "ghi" never left the proxy.
      assertThat(echo.bytesReceived()).isEqualTo(6);
    }
  }
}
