package io.parley.microbench;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.time.Ticker;
import io.parley.server.auth.ChannelPatterns;
import io.parley.server.auth.Identity;
import io.parley.server.backplane.memory.MemoryBackplane;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Hub;
import io.parley.server.hub.Refusal;
import io.parley.server.hub.Session;
import io.parley.server.hub.SessionSink;
import io.parley.server.transport.NativeFrameEncoding;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One publish fanned out by the hub to N subscribers whose sinks take the native encoding (as
 * {@code /ws} does) but write nothing: the hub's own cost per publish, without sockets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HubFanOutBenchmark {
  private static final Identity EVERYTHING =
      Identity.anonymous(
          ChannelPatterns.of(java.util.List.of("*")),
          ChannelPatterns.of(java.util.List.of("*")),
          true);

  @Param({"1000"})
  public int subscribers;

  private Hub hub;
  private final AtomicLong ids = new AtomicLong();
  private Blackhole blackhole;

  @Setup
  public void setUp(Blackhole blackhole) {
    this.blackhole = blackhole;
    MemoryBackplane backplane =
        new MemoryBackplane(
            1_000,
            Duration.ofMinutes(10),
            Duration.ofMinutes(10),
            1_000_000,
            Ticker.system(),
            () -> "bench");
    hub = new Hub(backplane, () -> "s" + ids.incrementAndGet(), System::currentTimeMillis, 4096);
    for (int i = 0; i < subscribers; i++) {
      Session session = hub.open(new EncodingSink(), "c" + i, EVERYTHING);
      hub.subscribe(session, "r", "bench:fanout", null);
    }
  }

  @Benchmark
  public Object publishToAllSubscribers() {
    return hub.publish(
            EVERYTHING, "pub", "p" + ids.incrementAndGet(), "bench:fanout", "e", IntNode.valueOf(1))
        .toCompletableFuture()
        .join();
  }

  /** Takes each message's shared encoding, as a real sink would before writing. */
  private final class EncodingSink implements SessionSink {
    @Override
    public boolean sendMessage(ChannelMessage message) {
      blackhole.consume(message.encoded(NativeFrameEncoding.MESSAGE));
      return true;
    }

    @Override
    public boolean send(ServerFrame frame) {
      blackhole.consume(frame);
      return true;
    }

    @Override
    public boolean sendRefusal(Refusal refusal) {
      blackhole.consume(refusal);
      return true;
    }

    @Override
    public void close(Refusal reason) {
      blackhole.consume(reason);
    }
  }
}
