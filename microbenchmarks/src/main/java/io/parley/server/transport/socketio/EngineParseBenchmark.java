package io.parley.server.transport.socketio;

import io.parley.server.transport.engineio.EngineCodec;
import io.parley.server.transport.engineio.EnginePacket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parsing what Socket.IO clients send: one Engine.IO packet carrying a Socket.IO {@code publish}
 * event with an ack id (the WebSocket case), and a long-polling POST body of ten such packets. In
 * the server's package because the codecs are package-private: they are not API.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineParseBenchmark {
  private String packet;
  private String payload;

  @Setup
  public void setUp() {
    packet =
        "42"
            + "17[\"publish\",{\"id\":\"c-7f3a-000123\",\"channel\":\"jobs:42\",\"event\":\"progress\","
            + "\"data\":{\"job\":\"invoice-2026-11\",\"pct\":42,\"steps\":[\"fetch\",\"render\"]}}]";
    payload =
        String.join(
            String.valueOf(EngineCodec.SEPARATOR), java.util.Collections.nCopies(10, packet));
  }

  /** One WebSocket message: the Engine.IO packet, then the Socket.IO packet and its JSON. */
  @Benchmark
  public Object parseEvent() {
    EnginePacket engine = EngineCodec.decode(packet);
    return SocketCodec.parse(engine.text());
  }

  /** One polling POST of ten events. */
  @Benchmark
  public int parsePollingPayload() {
    List<EnginePacket> packets = EngineCodec.decodePayload(payload);
    int parsed = 0;
    for (EnginePacket engine : packets) {
      parsed += SocketCodec.parse(engine.text()).attachments() + 1;
    }
    return parsed;
  }
}
