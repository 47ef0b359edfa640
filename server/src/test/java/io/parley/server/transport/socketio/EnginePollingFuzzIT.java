package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.parley.server.testing.SeededSamples;
import io.parley.server.transport.engineio.EngineCodec;
import io.parley.server.transport.engineio.EngineError;
import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import org.junit.jupiter.api.Test;

/**
 * A bounded end-to-end fuzz of Engine.IO long-polling on {@code /socket.io/}: each seeded body (the
 * generators of {@link EngineCodecFuzzTest}) is POSTed to a fresh session. A payload the decoder
 * rejects must get the reference server's typed 400 {@code {"code":3,"message":"Bad request"}}; one
 * it accepts, however odd its Socket.IO content, gets 200 {@code ok}. Never a 5xx, never a hang.
 * Change the seed or count locally for a longer run.
 */
@QuarkusTest
class EnginePollingFuzzIT {
  private static final int BODIES = 200;

  private final RawEngineClient client = new RawEngineClient(SocketIoRoutes.PATH);

  @Test
  void malformedPollingPayloadsGetATypedBadRequestAndNothingElseFails() {
    List<String> bodies =
        SeededSamples.of(
            Arbitraries.oneOf(
                EngineCodecFuzzTest.payloads(),
                EngineCodecFuzzTest.mutatedPayloads(),
                SocketCodecFuzzTest.mutatedPackets().map(packet -> "4" + packet)),
            9101,
            BODIES);
    int rejected = 0;
    for (String body : bodies) {
      client.handshake();
      HttpResponse<String> response = client.post(client.query(), body);
      // What the server reads: the client sends UTF-8, which replaces lone surrogates.
      String read = new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      boolean malformed = catchThrowable(() -> EngineCodec.decodePayload(read)) != null;
      if (malformed) {
        rejected++;
        assertThat(response.statusCode()).as("status for %s", body).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(EngineError.BAD_REQUEST.json());
      } else {
        assertThat(response.statusCode()).as("status for %s", body).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
      }
    }
    assertThat(rejected).as("malformed payloads sent").isGreaterThan(BODIES / 3);
  }
}
