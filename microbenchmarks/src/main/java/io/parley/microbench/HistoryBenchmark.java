package io.parley.microbench;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.protocol.Position;
import io.parley.protocol.time.Ticker;
import io.parley.server.backplane.memory.MemoryBackplane;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Appending to a full 1,000-message history, and replaying the last 100 of it. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HistoryBenchmark {
  private static final String CHANNEL = "bench:history";

  private MemoryBackplane backplane;
  private final AtomicLong ids = new AtomicLong();
  private String epoch;

  @Setup
  public void setUp() {
    backplane =
        new MemoryBackplane(
            1_000,
            Duration.ofHours(1),
            Duration.ofMinutes(10),
            100_000,
            Ticker.system(),
            () -> "bench");
    for (int i = 0; i < 1_000; i++) {
      append();
    }
    epoch = backplane.replay(CHANNEL, null, 0).toCompletableFuture().join().position().epoch();
  }

  @Benchmark
  public Object append() {
    return backplane
        .append(CHANNEL, "c", "p" + ids.incrementAndGet(), "e", IntNode.valueOf(1), 0L)
        .toCompletableFuture()
        .join();
  }

  @Benchmark
  public Object replayLast100() {
    long last = backplane.replay(CHANNEL, null, 0).toCompletableFuture().join().position().seq();
    return backplane
        .replay(CHANNEL, new Position(epoch, last - 100), Integer.MAX_VALUE)
        .toCompletableFuture()
        .join();
  }
}
