package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.UpgradeFilter;
import io.parley.harness.fault.UpgradeFilter.Mode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpgradeFilterFaultTest {

  private static final String UPGRADE =
      "GET /ws HTTP/1.1\r\n"
          + "Host: localhost\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: keep-alive, Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n"
          + "Origin: http://localhost\r\n"
          + "\r\n";

  private RecordingHttpServer http;
  private FaultProxy proxy;

  @BeforeEach
  void startHttpBehindProxy() {
    http = new RecordingHttpServer();
    proxy = FaultProxy.builder().upstream("127.0.0.1", http.port()).start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    http.close();
  }

  @Test
  void withoutTheFilterTheUpgradeReachesTheServer() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write(UPGRADE);

      assertThat(client.readToEnd().received()).startsWith("HTTP/1.1 101 ");
      assertThat(http.requests()).singleElement().extracting(r -> r.head()).isEqualTo(UPGRADE);
    }
  }

  @Test
  void stripDeliversTheRequestWithoutUpgradeHeaders() throws IOException {
    proxy.addFault("corp", Direction.UPSTREAM, new UpgradeFilter(Mode.STRIP));
    try (TestSocket client = TestSocket.connect(proxy)) {
      // Split inside a header name and inside the final CRLF CRLF.
      client.write(UPGRADE.substring(0, 30));
      client.write(UPGRADE.substring(30, UPGRADE.length() - 3));
      client.write(UPGRADE.substring(UPGRADE.length() - 3));

      String response = client.readHttpResponse();

      assertThat(response).startsWith("HTTP/1.1 400 ");
      await().atMost(Duration.ofSeconds(5)).until(() -> http.requests().size() == 1);
      assertThat(http.requests().get(0).head())
          .isEqualTo(
              "GET /ws HTTP/1.1\r\n"
                  + "Host: localhost\r\n"
                  + "Connection: keep-alive\r\n"
                  + "Origin: http://localhost\r\n"
                  + "\r\n");
    }
  }

  @Test
  void refuseAnswersForbiddenWithoutContactingTheServer() throws IOException {
    proxy.addFault("corp", Direction.UPSTREAM, new UpgradeFilter(Mode.REFUSE));
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write(UPGRADE);

      TestSocket.Outcome outcome = client.readToEnd();

      assertThat(outcome.received()).startsWith("HTTP/1.1 403 Forbidden\r\n").contains("'corp'");
      assertThat(outcome.endedCleanly()).isTrue();
      assertThat(http.requests()).isEmpty();
    }
  }

  @Test
  void plainKeepAliveRequestsPassUntouched() throws IOException {
    proxy.addFault("corp", Direction.UPSTREAM, new UpgradeFilter(Mode.REFUSE));
    String get = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n";
    String post =
        "POST /publish HTTP/1.1\r\nHost: localhost\r\nContent-Length: 24\r\n\r\n"
            + "Upgrade: websocket\r\n\r\nhi";
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write(get);
      String first = client.readHttpResponse();
      client.write(post);
      String second = client.readHttpResponse();

      assertThat(first).startsWith("HTTP/1.1 200 OK").endsWith("GET /health HTTP/1.1 body=");
      assertThat(second).startsWith("HTTP/1.1 200 OK").contains("Upgrade: websocket\r\n\r\nhi");
      assertThat(http.requests())
          .extracting(RecordingHttpServer.Recorded::head)
          .containsExactly(get, post.substring(0, post.indexOf("\r\n\r\n") + 4));
    }
  }

  @Test
  void pipelinedRequestsWithBodiesAndAnUpgradeAreEachHandled() throws IOException {
    proxy.addFault("corp", Direction.UPSTREAM, new UpgradeFilter(Mode.STRIP));
    String post = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody";
    String get = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write(post + UPGRADE + get);

      await().atMost(Duration.ofSeconds(5)).until(() -> http.requests().size() == 3);
      assertThat(http.requests().get(0))
          .isEqualTo(
              new RecordingHttpServer.Recorded(post.substring(0, post.length() - 4), "body"));
      assertThat(http.requests().get(1).hasHeader("Upgrade")).isFalse();
      assertThat(http.requests().get(1).hasHeader("Sec-WebSocket-Key")).isFalse();
      assertThat(http.requests().get(2).head()).isEqualTo(get);
    }
  }

  @Test
  void leavesConnectionsOpenedBeforeItWasAddedAlone() throws IOException {
    try (TestSocket client = TestSocket.connect(proxy)) {
      client.write("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(client.readHttpResponse()).startsWith("HTTP/1.1 200 OK");

      proxy.addFault("corp", Direction.UPSTREAM, new UpgradeFilter(Mode.REFUSE));
      client.write(UPGRADE);

      assertThat(client.readToEnd().received()).startsWith("HTTP/1.1 101 ");
    }
  }
}
