package io.parley.server.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.testing.SeededSamples;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

/**
 * A bounded end-to-end fuzz of the HTTP transport: seeded malformed bodies (the generators of
 * {@link HttpBodyFuzzTest}, plus raw bytes that are not UTF-8) go to {@code POST /realtime/poll}
 * and {@code /realtime/publish}, and every answer must be the typed problem the parser predicts:
 * 400 or 413, {@code application/problem+json}, the same code and field, never a 5xx. Bodies the
 * parser accepts are not sent (a publish would land on a channel, a poll could wait). Change the
 * seeds or counts locally for a longer run.
 */
@QuarkusTest
class HttpBodyFuzzIT {
  private static final int BODIES_PER_ENDPOINT = 100;

  @Inject FrameCodec codec;
  @Inject RealtimeConfig config;

  @TestHTTPResource("/")
  URI base;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void malformedPollBodiesGetTheTypedProblemTheParserPredicts() {
    Arbitrary<String> bodies =
        Arbitraries.oneOf(
            HttpBodyFuzzTest.anyBody(),
            HttpBodyFuzzTest.mutatedPolls(),
            HttpBodyFuzzTest.structuredPolls());
    int sent =
        fuzz(
            "/realtime/poll",
            bodies,
            8101,
            body ->
                PollRequest.read(
                    RequestBody.parse(codec, body),
                    config.poll().maxWait().toMillis(),
                    config.poll().maxChannels()));
    assertThat(sent).as("malformed bodies sent").isGreaterThan(BODIES_PER_ENDPOINT * 2 / 3);
  }

  @Test
  void malformedPublishBodiesGetTheTypedProblemTheParserPredicts() {
    Arbitrary<String> bodies =
        Arbitraries.oneOf(
            HttpBodyFuzzTest.anyBody(),
            HttpBodyFuzzTest.mutatedPublishes(),
            HttpBodyFuzzTest.structuredPublishes());
    int sent =
        fuzz(
            "/realtime/publish",
            bodies,
            8201,
            body -> PublishRequest.read(RequestBody.parse(codec, body)));
    assertThat(sent).as("malformed bodies sent").isGreaterThan(BODIES_PER_ENDPOINT * 2 / 3);
  }

  /** Sends the rejected ones of the sampled bodies and raw bytes; returns how many were sent. */
  private int fuzz(String path, Arbitrary<String> texts, long seed, Consumer<String> read) {
    List<byte[]> bodies = new ArrayList<>();
    for (String text : SeededSamples.of(texts, seed, BODIES_PER_ENDPOINT)) {
      bodies.add(text.getBytes(StandardCharsets.UTF_8));
    }
    bodies.addAll(
        SeededSamples.of(Arbitraries.bytes().array(byte[].class).ofMaxSize(200), seed + 1, 20));
    int sent = 0;
    for (byte[] body : bodies) {
      // What the server reads: Vert.x decodes the body as UTF-8, replacing invalid bytes.
      String text = new String(body, StandardCharsets.UTF_8);
      Throwable thrown = catchThrowable(() -> read.accept(text));
      if (thrown == null) {
        continue;
      }
      assertThat(thrown).as("local read of %s", text).isInstanceOf(FrameDecodeException.class);
      assertProblem(path, body, (FrameDecodeException) thrown);
      sent++;
    }
    return sent;
  }

  private void assertProblem(String path, byte[] body, FrameDecodeException expected) {
    // Vert.x decodes with the charset of the Content-Type, so name UTF-8 as a client should.
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json; charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> response = send(request);
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(response.statusCode())
        .as("status of %s for %s: %s", path, text, response.body())
        .isEqualTo(Problem.of(expected).status());
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = codec.parseObject(response.body());
    assertThat(problem.path("code").asText())
        .as("code for %s", text)
        .isEqualTo(expected.code().name());
    assertThat(problem.path("code").asText()).isNotEqualTo(ErrorCode.INTERNAL.name());
    assertThat(problem.path("field").textValue())
        .as("field for %s", text)
        .isEqualTo(expected.field());
    assertThat(problem.path("status").asInt()).isEqualTo(response.statusCode());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
