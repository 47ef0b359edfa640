package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.parley.protocol.testing.RandomInputs;
import io.parley.server.testing.FuzzInputs;
import io.parley.server.transport.engineio.EngineCodec;
import io.parley.server.transport.engineio.EngineCodecFuzzTest;
import io.parley.server.transport.engineio.EngineError;
import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bounded end-to-end fuzz of Engine.IO long-polling on {@code /socket.io/}: each body is POSTed
 * to a fresh session. A payload the decoder rejects must get the reference server's typed 400
 * {@code {"code":3,"message":"Bad request"}}; one it accepts, however odd its Socket.IO content,
 * gets 200 {@code ok}. Never a 5xx, never a hang (each request times out after {@link
 * RawEngineClient#WAIT}).
 *
 * <p>The bodies are the committed inputs of the Engine.IO and Socket.IO fuzz targets (those of the
 * bugs fixed so far among them) and a few hundred generated from a fixed seed. A plain JUnit test,
 * not a Jazzer {@code @FuzzTest}: it drives a server started by the Quarkus test extension, which
 * Jazzer's fuzzing mode cannot run in-process. Change the seed or count locally for a longer run.
 */
@QuarkusTest
class EnginePollingFuzzIT {
  private static final int GENERATED_BODIES = 200;

  private final RawEngineClient client = new RawEngineClient(SocketIoRoutes.PATH);

  @Test
  void malformedPollingPayloadsGetATypedBadRequestAndNothingElseFails() {
    List<String> bodies = new ArrayList<>();
    for (byte[] input :
        FuzzInputs.of(EngineCodecFuzzTest.class, "anyPollingPayloadIsDecodedOrRejected")) {
      bodies.add(new String(input, StandardCharsets.UTF_8));
    }
    for (byte[] input :
        FuzzInputs.of(
            SocketCodecFuzzTest.class, "anyPollingPayloadOfMessagesIsDecodedOrRejected")) {
      bodies.add(new String(input, StandardCharsets.UTF_8));
    }
    for (byte[] input : FuzzInputs.of(SocketCodecFuzzTest.class, "anyPacketIsParsedOrRejected")) {
      bodies.add("4" + new String(input, StandardCharsets.UTF_8));
    }
    RandomInputs random = RandomInputs.seeded(9101);
    for (int i = 0; i < GENERATED_BODIES; i++) {
      bodies.add(
          switch (random.between(0, 2)) {
            case 0 -> EngineCodecFuzzTest.payload(random);
            case 1 -> EngineCodecFuzzTest.mutatedPayload(random);
            default -> "4" + SocketCodecFuzzTest.mutatedPacket(random);
          });
    }

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
    assertThat(rejected).as("malformed payloads sent").isGreaterThan(bodies.size() / 4);
  }
}
