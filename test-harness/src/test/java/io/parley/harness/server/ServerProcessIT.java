package io.parley.harness.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.harness.auth.TestIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerProcessIT {
  private static HttpResponse<String> post(ServerProcess server, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "realtime/publish"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"c\",\"event\":\"e\"}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String publish(ServerProcess server) throws Exception {
    HttpResponse<String> response = post(server, server.issuer().publisherToken("it-backend"));
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void theProdProfileRefusesToStartWithoutAKeyAndSaysWhatToSet() throws Exception {
    // The jar as an operator first runs it: no key, no issuer, the default (prod) profile.
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0",
                "-jar",
                System.getProperty(ServerProcess.JAR_PROPERTY))
            .redirectErrorStream(true)
            .start();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the server exits").isTrue();
      assertThat(process.exitValue()).isNotZero();
      assertThat(output.get(10, TimeUnit.SECONDS))
          .contains("no key or issuer is configured")
          .contains("Set mp.jwt.verify.publickey.location")
          .contains("-Dquarkus.profile=dev");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void startsOnAnEphemeralPortWithTokensAndRestartsOnTheSameOneWithAFreshEpoch() throws Exception {
    try (ServerProcess server = ServerProcess.builder().build().start()) {
      int port = server.port();
      assertThat(port).isPositive();
      String before = publish(server);
      // Production profile: no token, or one from another key, is refused.
      assertThat(post(server, null).statusCode()).isEqualTo(401);
      assertThat(post(server, TestIssuer.create().publisherToken("stranger")).statusCode())
          .isEqualTo(401);
      String userToken = server.issuer().userToken("user", "c");

      server.restart();

      assertThat(server.port()).isEqualTo(port);
      String after = publish(server);
      // The same key across restarts: a user token minted before is still good.
      assertThat(post(server, userToken).statusCode()).isEqualTo(200);
      assertThat(after).contains("\"seq\":1");
      assertThat(after.replaceAll(".*\"epoch\":\"([^\"]+)\".*", "$1"))
          .isNotEqualTo(before.replaceAll(".*\"epoch\":\"([^\"]+)\".*", "$1"));
    }
  }
}
