package io.parley.server.limits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The origin check on WebSocket upgrades with {@link LimitsProfile}'s one allowed origin, on both
 * endpoints that upgrade.
 */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class WebSocketOriginsIT {
  private static final String FOREIGN = "https://evil.example";

  @TestHTTPResource("/")
  URL base;

  @ParameterizedTest
  @ValueSource(strings = {"/ws", "/socket.io/?EIO=4&transport=websocket"})
  void anUpgradeFromAForeignOriginIsRefused403NamingIt(String path) {
    Response refused =
        given()
            .header("Origin", FOREIGN)
            .header("Upgrade", "websocket")
            .header("Connection", "Upgrade")
            .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
            .header("Sec-WebSocket-Version", "13")
            .urlEncodingEnabled(false)
            .get(path)
            .andReturn();
    refused.then().statusCode(403).contentType("application/problem+json");
    assertThat(refused.jsonPath().getString("code")).isEqualTo("FORBIDDEN");
    assertThat(refused.jsonPath().getString("field")).isEqualTo("Origin");
    assertThat(refused.jsonPath().getString("detail")).contains(FOREIGN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "socket.io/?EIO=4&transport=websocket"})
  void anUpgradeFromTheAllowedOriginOpens(String path) throws Exception {
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Origin", LimitsProfile.ALLOWED_ORIGIN)
            .buildAsync(
                URI.create(base.toString().replaceFirst("^http", "ws") + path),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    first.complete(data.toString());
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    try {
      if (path.equals("ws")) {
        socket.sendText("{\"type\":\"hello\",\"clientId\":\"origin\"}", true);
        assertThat(first.get(10, TimeUnit.SECONDS)).contains("\"welcome\"");
      } else {
        assertThat(first.get(10, TimeUnit.SECONDS)).startsWith("0{\"sid\"");
      }
    } finally {
      socket.abort();
    }
  }

  @Test
  void anUpgradeWithoutOriginIsNotABrowserAndOpens() {
    try (WsTestClient client = WsTestClient.connect(base.toString())) {
      client.send(new ClientFrame.Hello(null, "no-origin"));
      assertThat(client.expect(ServerFrame.Welcome.class).sessionId()).isNotBlank();
    }
  }
}
