package io.parley.harness.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ServerProcessIT {
  private static String publish(ServerProcess server) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "realtime/publish"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"c\",\"event\":\"e\"}"))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void startsOnAnEphemeralPortAndRestartsOnTheSameOneWithAFreshEpoch() throws Exception {
    try (ServerProcess server = ServerProcess.builder().build().start()) {
      int port = server.port();
      assertThat(port).isPositive();
      String before = publish(server);

      server.restart();

      assertThat(server.port()).isEqualTo(port);
      String after = publish(server);
      assertThat(after).contains("\"seq\":1");
      assertThat(after.replaceAll(".*\"epoch\":\"([^\"]+)\".*", "$1"))
          .isNotEqualTo(before.replaceAll(".*\"epoch\":\"([^\"]+)\".*", "$1"));
    }
  }
}
