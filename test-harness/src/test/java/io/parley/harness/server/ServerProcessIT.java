package io.parley.harness.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.harness.auth.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
