package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.parley.harness.fault.Bandwidth;
import io.parley.harness.fault.Blackhole;
import io.parley.harness.fault.Direction;
import io.parley.harness.fault.Latency;
import io.parley.harness.fault.Slicer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

  private EchoServer echo;
  private FaultProxy proxy;

  @BeforeEach
  void startEchoBehindProxy() {
    echo = EchoServer.start();
    proxy = FaultProxy.builder().name("echo").upstream("127.0.0.1", echo.port()).start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void listensOnAnEphemeralLoopbackPort() {
    assertThat(proxy.listenAddress().getAddress().isLoopbackAddress()).isTrue();
    assertThat(proxy.port()).isPositive().isNotEqualTo(echo.port());
  }

  @Test
  void forwardsBytesBothWaysAndCountsThem() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write("hello proxy");

      assertThat(client.readString(11)).isEqualTo("hello proxy");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                ProxyStats stats = proxy.stats();
                assertThat(stats.connectionsAccepted()).isEqualTo(1);
                assertThat(stats.liveConnections()).isEqualTo(1);
                assertThat(stats.bytesUpstream()).isEqualTo(11);
                assertThat(stats.bytesDownstream()).isEqualTo(11);
              });
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.stats().liveConnections() == 0);
  }

  @Test
  void carriesAMegabyteIntactInBothDirections() throws Exception {
    byte[] payload = new byte[1024 * 1024];
    new java.util.SplittableRandom(7).nextBytes(payload);
    try (TestSocket client = TestSocket.connect(proxy)) {
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  client.write(payload);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });

      assertThat(client.readExactly(payload.length)).isEqualTo(payload);
      writing.get();
    }
  }

  @Test
  void addingAndRemovingFaultsMidStreamLosesAndReordersNothing() throws Exception {
    byte[] payload = new byte[2 * 1024 * 1024];
    new java.util.SplittableRandom(3).nextBytes(payload);
    try (TestSocket client = TestSocket.connect(proxy)) {
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int offset = 0; offset < payload.length; offset += 4096) {
                    client.socket.getOutputStream().write(payload, offset, 4096);
                  }
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      CompletableFuture<byte[]> reading =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.readExactly(payload.length);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });

      for (int round = 0; !reading.isDone() && round < 200; round++) {
        Direction direction = round % 2 == 0 ? Direction.UPSTREAM : Direction.DOWNSTREAM;
        proxy.addFault("lag", direction, Latency.of(Duration.ofMillis(1)));
        proxy.addFault("cut", direction, new Slicer(700, 300, Duration.ZERO));
        proxy.addFault("hold", Direction.DOWNSTREAM, new Blackhole());
        proxy.addFault("cap", direction, new Bandwidth(50_000_000));
        proxy.removeFault("hold");
        proxy.removeFault("lag");
        proxy.removeFault("cap");
        proxy.removeFault("cut");
      }

      writing.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(reading.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(payload);
    }
  }

  @Test
  void passesAHalfCloseOnSoTheServerCanFinishAndClose() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write("last words");
      client.shutdownOutput();

      TestSocket.Outcome outcome = client.readToEnd();

      assertThat(outcome.received()).isEqualTo("last words");
      assertThat(outcome.endedCleanly()).isTrue();
    }
  }

  @Test
  void disconnectAllResetsLiveConnectionsAndStillAcceptsNewOnes() throws IOException {
    try (TestSocket first = TestSocket.connect(proxy);
        TestSocket second = TestSocket.connect(proxy)) {
      first.write("a");
      second.write("b");
      first.readExactly(1);
      second.readExactly(1);

      proxy.disconnectAll();

      assertThat(first.readToEnd().wasReset()).isTrue();
      assertThat(second.readToEnd().wasReset()).isTrue();
    }
    try (TestSocket third = TestSocket.connect(proxy)) {
      third.write("still here");
      assertThat(third.readString(10)).isEqualTo("still here");
    }
  }

  @Test
  void resetAllRemovesEveryFaultAndReleasesHeldData() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      proxy.addFault("hold", Direction.DOWNSTREAM, new Blackhole());
      proxy.addFault("slow", Direction.UPSTREAM, Latency.of(Duration.ofMillis(1)));
      client.write("held");
      await().atMost(Duration.ofSeconds(5)).until(() -> echo.bytesReceived() == 4);

      proxy.resetAll();

      assertThat(proxy.faults()).isEmpty();
      assertThat(client.readString(4)).isEqualTo("held");
    }
  }

  @Test
  void refusesASecondFaultWithTheSameName() {
    proxy.addFault("dup", Direction.UPSTREAM, new Blackhole());

    assertThatThrownBy(() -> proxy.addFault("dup", Direction.DOWNSTREAM, new Blackhole()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dup");
  }

  @Test
  void removingAnUnknownFaultReportsFalse() {
    assertThat(proxy.removeFault("nothing-here")).isFalse();
  }

  @Test
  void closesTheClientWhenTheUpstreamIsUnreachable() throws IOException {
    int closedPort;
    try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = unused.getLocalPort();
    }
    try (FaultProxy nowhere = FaultProxy.builder().upstream("127.0.0.1", closedPort).start();
        TestSocket client = TestSocket.connect(nowhere)) {
      TestSocket.Outcome outcome = client.readToEnd();

      assertThat(outcome.received()).isEmpty();
    }
  }

  @Test
  void disablingClosesConnectionsAndEnablingListensOnTheSamePort() throws IOException {
    int port = proxy.port();
    try (TestSocket client = TestSocket.connect(proxy)) {
      proxy.setEnabled(false);

      assertThat(client.readToEnd().received()).isEmpty();
      assertThatThrownBy(() -> TestSocket.connect(port)).isInstanceOf(ConnectException.class);
    }

    proxy.setEnabled(true);

    assertThat(proxy.port()).isEqualTo(port);
    try (TestSocket client = TestSocket.connect(port)) {
      client.write("back");
      assertThat(client.readString(4)).isEqualTo("back");
    }
  }

  @Test
  void stopsReadingFromTheSenderOnceItHoldsMaxHeldBytes() throws Exception {
    try (EchoServer sink = EchoServer.sink();
        FaultProxy small =
            FaultProxy.builder()
                .upstream("127.0.0.1", sink.port())
                .maxHeldBytes(64 * 1024)
                .start();
        Socket client = new Socket(InetAddress.getLoopbackAddress(), small.port())) {
      small.addFault("hold", Direction.UPSTREAM, new Blackhole());
      long total = 64L * 1024 * 1024;
      AtomicLong written = new AtomicLong();
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(() -> writeZeros(client, total, written));

      // With the sender pushed back, its write cannot finish while the blackhole holds.
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !writing.isDone());
      assertThat(sink.bytesReceived()).isZero();

      small.removeFault("hold");

      writing.get(30, java.util.concurrent.TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.bytesReceived() == total);
      assertThat(written.get()).isEqualTo(total);
    }
  }

  private static void writeZeros(Socket socket, long total, AtomicLong written) {
    byte[] block = new byte[64 * 1024];
    try {
      OutputStream out = socket.getOutputStream();
      for (long sent = 0; sent < total; sent += block.length) {
        out.write(block);
        written.addAndGet(block.length);
      }
      out.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
