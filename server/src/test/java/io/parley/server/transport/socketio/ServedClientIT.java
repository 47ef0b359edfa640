package io.parley.server.transport.socketio;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The served JS client ({@code realtime.socketio.serve-client}, on by default): each file as the
 * reference server serves it, its ETag, and a page's use of it.
 */
@QuarkusTest
class ServedClientIT {
  private static final Path CLIENT =
      Path.of("src", "test", "js", "node_modules", "socket.io-client");

  /** The ETag: the version {@code src/test/js/package.json} pins, quoted. */
  private static String pinnedEtag() throws IOException {
    String version =
        new ObjectMapper()
            .readTree(Path.of("src", "test", "js", "package.json").toFile())
            .path("dependencies")
            .path("socket.io-client")
            .asText();
    return "\"" + version + "\"";
  }

  @ParameterizedTest
  @CsvSource({
    "socket.io.js, application/javascript",
    "socket.io.min.js, application/javascript",
    "socket.io.esm.min.js, application/javascript",
    "socket.io.js.map, application/json",
    "socket.io.min.js.map, application/json",
    "socket.io.esm.min.js.map, application/json"
  })
  void servesEachFileAsTheInstalledClientWithItsVersionAsEtag(String file, String type)
      throws IOException {
    byte[] body =
        given()
            .when()
            .get(SocketIoRoutes.PATH + file)
            .then()
            .statusCode(200)
            .header("Content-Type", type + "; charset=utf-8")
            .header("Cache-Control", "public, max-age=0")
            .header("ETag", pinnedEtag())
            .extract()
            .asByteArray();

    assertThat(body).isEqualTo(Files.readAllBytes(CLIENT.resolve("dist").resolve(file)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "W/", "\"0.0.0\", W/"})
  void answersNotModifiedWhenIfNoneMatchNamesTheVersion(String prefix) throws IOException {
    given()
        .header("If-None-Match", prefix + pinnedEtag())
        .when()
        .get(SocketIoRoutes.PATH + "socket.io.min.js")
        .then()
        .statusCode(304)
        .header("ETag", pinnedEtag())
        .body(emptyString());
  }

  @Test
  void servesTheFileAgainWhenIfNoneMatchNamesAnotherVersion() throws IOException {
    given()
        .header("If-None-Match", "\"4.0.0\"")
        .when()
        .get(SocketIoRoutes.PATH + "socket.io.min.js")
        .then()
        .statusCode(200)
        .header("ETag", pinnedEtag());
  }

  @Test
  void ignoresTheQueryStringAPageAddsToBustCaches() {
    given()
        .when()
        .get(SocketIoRoutes.PATH + "socket.io.js?v=1")
        .then()
        .statusCode(200)
        .header("Content-Type", "application/javascript; charset=utf-8");
  }

  @Test
  void answersHeadWithTheHeadersAndNoBody() throws IOException {
    given()
        .when()
        .head(SocketIoRoutes.PATH + "socket.io.js")
        .then()
        .statusCode(200)
        .header("ETag", pinnedEtag())
        .header(
            "Content-Length",
            equalTo(Long.toString(Files.size(CLIENT.resolve("dist/socket.io.js")))));
  }

  @Test
  void appliesTheSocketIoCorsSettings() {
    given()
        .header("Origin", "https://app.example")
        .when()
        .get(SocketIoRoutes.PATH + "socket.io.min.js")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", "https://app.example");
  }

  @Test
  void servesNoOtherFileFromTheClientPackage() {
    for (String file : new String[] {"socket.io.msgpack.min.js", "package.json", "LICENSE"}) {
      given()
          .when()
          .get(SocketIoRoutes.PATH + file)
          .then()
          .statusCode(404)
          .header("ETag", nullValue());
    }
  }

  @Test
  void leavesEngineIoTrafficOnTheSamePathUnaffected() {
    RawEngineClient engine = new RawEngineClient(SocketIoRoutes.PATH);

    assertThat(engine.handshake().get("maxPayload").asInt()).isEqualTo(1_000_000);
    engine.push("40");
    assertThat(engine.pollUntilData()).startsWith("40{\"sid\":");
  }

  @Test
  void aScriptLoadingTheServedBundleConnectsWithTheIoItDefines()
      throws IOException, InterruptedException {
    NodeScript.Run run =
        NodeScript.run(
            "served-client.js", line -> false, "http://127.0.0.1:" + RawEngineClient.port());

    assertThat(run.lines())
        .as("node output")
        .containsExactly("PASS loaded", "PASS connected", "PASS upgraded", "PASS roundTrip");
    assertThat(run.exitValue()).isZero();
  }
}
