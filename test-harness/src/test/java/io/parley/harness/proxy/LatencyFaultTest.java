package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.Latency;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LatencyFaultTest {

  private static final Duration LATENCY = Duration.ofMillis(200);

  private EchoServer echo;
  private FaultProxy proxy;

  @BeforeEach
  void startEchoBehindProxy() {
    echo = EchoServer.start();
    proxy = FaultProxy.builder().upstream("127.0.0.1", echo.port()).seed(42).start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void delaysEachRoundTripByAtLeastTheLatency() throws IOException {
    proxy.addFault("slow", Direction.DOWNSTREAM, Latency.of(LATENCY));
    try (TestSocket client = TestSocket.connect(proxy)) {
      long start = System.nanoTime();
      client.write("ping");

      assertThat(client.readString(4)).isEqualTo("ping");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(LATENCY);
    }
  }

  @Test
  void appliesToAConnectionThatWasAlreadyOpen() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write("warm");
      client.readExactly(4);

      proxy.addFault("slow", Direction.UPSTREAM, Latency.of(LATENCY));
      long start = System.nanoTime();
      client.write("ping");

      assertThat(client.readString(4)).isEqualTo("ping");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(LATENCY);
    }
  }

  @Test
  void removingTheFaultReleasesHeldDataAtOnce() throws IOException {
    proxy.addFault("forever", Direction.DOWNSTREAM, Latency.of(Duration.ofHours(1)));
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write("stuck");
      await().atMost(Duration.ofSeconds(5)).until(() -> echo.bytesReceived() == 5);
      assertThat(client.readable()).isFalse();

      proxy.removeFault("forever");

      assertThat(client.readString(5)).isEqualTo("stuck");
    }
  }

  @Test
  void keepsTheOrderOfChunksUnderJitter() throws IOException {
    proxy.addFault(
        FaultRule.of(
            "jittery",
            Direction.UPSTREAM,
            new Latency(Duration.ofMillis(20), Duration.ofMillis(20))));
    String expected =
        IntStream.range(0, 40).mapToObj(i -> "<" + i + ">").collect(Collectors.joining());
    try (TestSocket client = TestSocket.connect(proxy)) {
      for (int i = 0; i < 40; i++) {
        client.write("<" + i + ">");
      }

      assertThat(client.readString(expected.length())).isEqualTo(expected);
    }
  }
}
