package io.parley.microbench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Encoding and decoding one native {@code message} frame, the unit of every delivery. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameEncodingBenchmark {
  private final FrameCodec codec = FrameCodec.create();
  private ServerFrame.Message message;
  private String encoded;

  @Setup
  public void setUp() {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("job", "invoice-2026-11").put("pct", 42).putArray("steps").add("fetch").add("render");
    message = new ServerFrame.Message("jobs:42", "Xy3kQ9", 1234, "progress", data, 1795455026741L);
    encoded = codec.encode(message);
  }

  @Benchmark
  public String encodeMessage() {
    return codec.encode(message);
  }

  @Benchmark
  public Object decodeMessage() {
    return codec.decodeServer(encoded);
  }
}
