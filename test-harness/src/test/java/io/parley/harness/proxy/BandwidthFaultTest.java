package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.harness.fault.Bandwidth;
import io.parley.harness.fault.Direction;
import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BandwidthFaultTest {

  @Test
  void capsThroughputAtTheRateAndKeepsTheBytesIntact() throws IOException {
    long rate = 10_000;
    byte[] payload = new byte[6_000];
    new SplittableRandom(1).nextBytes(payload);
    try (EchoServer echo = EchoServer.start();
        FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", echo.port()).start();
        TestSocket client = TestSocket.connect(proxy)) {
      proxy.addFault("thin", Direction.DOWNSTREAM, new Bandwidth(rate));
      long start = System.nanoTime();

      client.write(payload);

      assertThat(client.readExactly(payload.length)).isEqualTo(payload);
      // The first piece (rate / 20 bytes) may leave at once; the rest at most at the rate.
      long minimumNanos = (payload.length - rate / 20) * 1_000_000_000L / rate;
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofNanos(minimumNanos));
    }
  }
}
