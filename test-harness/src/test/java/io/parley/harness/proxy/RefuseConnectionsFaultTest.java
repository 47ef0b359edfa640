package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.RefuseConnections;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RefuseConnectionsFaultTest {

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
  void resetsNewConnectionsWithoutDiallingTheServer() throws IOException {
    proxy.addFault("refuse", Direction.UPSTREAM, new RefuseConnections());

    try (TestSocket client = TestSocket.connect(proxy)) {
      assertThat(client.readToEnd().wasReset()).isTrue();
    }
    assertThat(echo.connections()).isZero();
    assertThat(proxy.stats().connectionsRefused()).isEqualTo(1);
  }

  @Test
  void leavesLiveConnectionsWorking() throws IOException {
    try (TestSocket live = TestSocket.connect(proxy)) {
      live.write("a");
      live.readExactly(1);

      proxy.addFault("refuse", Direction.UPSTREAM, new RefuseConnections());

      live.write("still");
      assertThat(live.readString(5)).isEqualTo("still");
    }
  }

  @Test
  void acceptsAgainOnceRemoved() throws IOException {
    proxy.addFault("refuse", Direction.UPSTREAM, new RefuseConnections());
    try (TestSocket refused = TestSocket.connect(proxy)) {
      assertThat(refused.readToEnd().wasReset()).isTrue();
    }

    proxy.removeFault("refuse");

    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write("welcome");
      assertThat(client.readString(7)).isEqualTo("welcome");
    }
  }
}
