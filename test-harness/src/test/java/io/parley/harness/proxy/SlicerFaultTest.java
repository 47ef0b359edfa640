package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.Slicer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlicerFaultTest {

  @Test
  void deliversDataInDelayedSegmentsWithoutChangingIt() throws IOException {
    Duration delay = Duration.ofMillis(40);
    String message = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"; // 50 bytes
    try (EchoServer echo = EchoServer.start();
        FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", echo.port()).start();
        TestSocket client = TestSocket.connect(proxy)) {
      proxy.addFault("slices", Direction.DOWNSTREAM, new Slicer(10, 0, delay));
      long start = System.nanoTime();

      client.write(message);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      int reads = 0;
      while (received.size() < message.length()) {
        received.writeBytes(client.readOnce());
        reads++;
      }

      assertThat(received.toString(StandardCharsets.UTF_8)).isEqualTo(message);
      assertThat(reads).isGreaterThan(1);
      // Five segments, with the delay between each and the next.
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(delay.multipliedBy(4));
    }
  }
}
