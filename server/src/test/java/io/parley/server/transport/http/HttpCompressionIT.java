package io.parley.server.transport.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/**
 * HTTP answers at or above {@code realtime.compression-threshold} (1024 bytes by default) are
 * compressed when the client accepts it; smaller ones and those to clients that do not are not.
 * Uses the JDK client, which never decompresses by itself, to see the bytes on the wire.
 */
@QuarkusTest
class HttpCompressionIT {
  private static final AtomicInteger CHANNELS = new AtomicInteger();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TestHTTPResource("/")
  URL base;

  /** Publishes {@code data} on a fresh channel; returns the poll subscription reading it. */
  private static String channelWith(String data) {
    String channel = "compression-it:" + CHANNELS.incrementAndGet();
    String epoch =
        given()
            .contentType("application/json")
            .body(Map.of("channel", channel, "event", "e", "data", data))
            .post("/realtime/publish")
            .then()
            .statusCode(200)
            .extract()
            .path("epoch");
    return "\"" + channel + "\":{\"epoch\":\"" + epoch + "\",\"seq\":0}";
  }

  private HttpResponse<byte[]> poll(String subscription, String acceptEncoding) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "realtime/poll"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"clientId\":\"c\",\"subscriptions\":{" + subscription + "}}"));
    if (acceptEncoding != null) {
      request.header("Accept-Encoding", acceptEncoding);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] read(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Test
  void aLargeAnswerIsGzippedAndDecodesToTheSameBody() throws Exception {
    String channel = channelWith("x".repeat(4000));
    HttpResponse<byte[]> plain = poll(channel, null);
    HttpResponse<byte[]> gzipped = poll(channel, "gzip");

    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(text(plain.body())).contains("x".repeat(4000));
    assertThat(gzipped.statusCode()).isEqualTo(200);
    assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
    assertThat(gzipped.body().length).isLessThan(plain.body().length / 4);
    byte[] decoded = read(new GZIPInputStream(new ByteArrayInputStream(gzipped.body())));
    assertThat(text(decoded)).isEqualTo(text(plain.body()));
  }

  @Test
  void deflateIsOfferedToo() throws Exception {
    String channel = channelWith("y".repeat(4000));
    HttpResponse<byte[]> deflated = poll(channel, "deflate");

    assertThat(deflated.headers().firstValue("Content-Encoding")).contains("deflate");
    byte[] decoded = read(new InflaterInputStream(new ByteArrayInputStream(deflated.body())));
    assertThat(text(decoded)).contains("y".repeat(4000));
  }

  @Test
  void anAnswerBelowTheThresholdIsNotCompressed() throws Exception {
    String channel = channelWith("small");
    HttpResponse<byte[]> response = poll(channel, "gzip, deflate");

    assertThat(response.body().length).isLessThan(1024);
    assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(text(response.body())).contains("\"small\"");
  }

  @Test
  void aProblemIsCompressedOnlyWhenLarge() throws Exception {
    HttpResponse<byte[]> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "realtime/poll"))
                .header("Content-Type", "application/json")
                .header("Accept-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString("{"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(text(response.body())).contains("\"status\":400");
  }

  private HttpResponse<byte[]> engine(String method, String sid, String body, String encoding)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create(
                base + "socket.io/?EIO=4&transport=polling" + (sid == null ? "" : "&sid=" + sid)));
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (encoding != null) {
      request.header("Accept-Encoding", encoding);
    }
    HttpResponse<byte[]> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as(text(response.body())).isEqualTo(200);
    return response;
  }

  @Test
  void anEngineIoPollAnswerIsGzippedWhenLargeOnly() throws Exception {
    HttpResponse<byte[]> open = engine("GET", null, null, "gzip");
    assertThat(open.headers().firstValue("Content-Encoding")).isEmpty();
    String sid = text(open.body()).replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    engine("POST", sid, "40", null);
    assertThat(text(engine("GET", sid, null, "gzip").body())).startsWith("40");
    String channel = "compression-it:" + CHANNELS.incrementAndGet();
    engine("POST", sid, "421[\"subscribe\",{\"channel\":\"" + channel + "\"}]", null);
    HttpResponse<byte[]> ack = engine("GET", sid, null, "gzip");
    assertThat(ack.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(text(ack.body())).startsWith("431[");
    given()
        .contentType("application/json")
        .body(Map.of("channel", channel, "event", "e", "data", "z".repeat(4000)))
        .post("/realtime/publish")
        .then()
        .statusCode(200);

    HttpResponse<byte[]> message = engine("GET", sid, null, "gzip");

    assertThat(message.headers().firstValue("Content-Encoding")).contains("gzip");
    byte[] decoded = read(new GZIPInputStream(new ByteArrayInputStream(message.body())));
    assertThat(text(decoded)).startsWith("42[\"message\",").contains("z".repeat(4000));
  }

  @Test
  void overHttp2ALargeAnswerIsGzippedAndASmallOneIsNot() throws Exception {
    HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    List<String> versions = new ArrayList<>();
    for (String data : List.of("w".repeat(4000), "small")) {
      String subscription = channelWith(data);
      HttpResponse<byte[]> response = null;
      // The first request on a connection asks for the h2c upgrade; the next ones are HTTP/2.
      for (int i = 0; i < 2; i++) {
        response =
            http2.send(
                HttpRequest.newBuilder(URI.create(base + "realtime/poll"))
                    .header("Content-Type", "application/json")
                    .header("Accept-Encoding", "gzip")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"clientId\":\"c\",\"subscriptions\":{" + subscription + "}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
      }
      versions.add(response.version().name());
      if (data.equals("small")) {
        // HTTP/2 sends the marker Vert.x leaves alone: identity, or nothing.
        assertThat(response.headers().firstValue("Content-Encoding").orElse("identity"))
            .isEqualTo("identity");
        assertThat(text(response.body())).contains("\"small\"");
      } else {
        assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
        byte[] decoded = read(new GZIPInputStream(new ByteArrayInputStream(response.body())));
        assertThat(text(decoded)).contains(data);
      }
    }
    assertThat(versions).containsOnly("HTTP_2");
  }
}
