package io.parley.server.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.protocol.testing.RandomInputs;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.testing.FuzzInputs;
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
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A bounded end-to-end fuzz of the HTTP transport: malformed bodies go to {@code POST
 * /realtime/poll} and {@code /realtime/publish}, and every answer must be the typed problem the
 * parser predicts: 400 or 413, {@code application/problem+json}, the same code and field, never a
 * 5xx. Bodies the parser accepts are not sent (a publish would land on a channel, a poll could
 * wait).
 *
 * <p>The bodies are the committed inputs of {@link HttpBodyFuzzTest}'s Jazzer targets, bodies
 * generated from fixed seeds by its generators, and raw bytes that are not UTF-8. A plain JUnit
 * test, not a Jazzer {@code @FuzzTest}: it drives a server started by the Quarkus test extension,
 * which Jazzer's fuzzing mode cannot run in-process. Change the seeds or counts locally for a
 * longer run.
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
    int sent =
        fuzz(
            "/realtime/poll",
            FuzzInputs.of(
                HttpBodyFuzzTest.class, "anyPollBodyBytesAreReadOrRejectedWithATypedProblem"),
            random ->
                switch (random.between(0, 2)) {
                  case 0 -> HttpBodyFuzzTest.anyBody(random);
                  case 1 -> HttpBodyFuzzTest.mutatedPoll(random);
                  default -> HttpBodyFuzzTest.structuredPoll(random);
                },
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
    int sent =
        fuzz(
            "/realtime/publish",
            FuzzInputs.of(
                HttpBodyFuzzTest.class, "anyPublishBodyBytesAreReadOrRejectedWithATypedProblem"),
            random ->
                switch (random.between(0, 2)) {
                  case 0 -> HttpBodyFuzzTest.anyBody(random);
                  case 1 -> HttpBodyFuzzTest.mutatedPublish(random);
                  default -> HttpBodyFuzzTest.structuredPublish(random);
                },
            8201,
            body -> PublishRequest.read(RequestBody.parse(codec, body)));
    assertThat(sent).as("malformed bodies sent").isGreaterThan(BODIES_PER_ENDPOINT * 2 / 3);
  }

  /**
   * Sends the rejected ones of the committed inputs, the generated bodies and raw bytes; returns
   * how many were sent.
   */
  private int fuzz(
      String path,
      List<byte[]> committed,
      Function<RandomInputs, String> texts,
      long seed,
      Consumer<String> read) {
    List<byte[]> bodies = new ArrayList<>(committed);
    RandomInputs random = RandomInputs.seeded(seed);
    for (int i = 0; i < BODIES_PER_ENDPOINT; i++) {
      bodies.add(texts.apply(random).getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < 20; i++) {
      bodies.add(random.bytes(200));
    }
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
