package io.parley.server.livefeed;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.TestTokens;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The live feed at {@code /realtime/admin/live} with real WebSocket clients: refused upgrades (401,
 * 403), the token in the subprotocol or the header, stats each second, events as they happen, a
 * dashboard that does not read told what it lost, the timer stopped with no dashboard, and the
 * dashboard's public paths beside the guarded API.
 */
@QuarkusTest
class LiveFeedIT {
  private static final String ADMIN = TestTokens.claims("ops").groups(Set.of("admin")).sign();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TestHTTPResource("/")
  URL base;

  @Inject LiveFeed feed;

  private final List<WebSocket> opened = new ArrayList<>();

  @AfterEach
  void closeDashboards() {
    opened.forEach(WebSocket::abort);
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.open() == 0);
  }

  private URI live() {
    return URI.create(base.toString().replaceFirst("^http", "ws") + "realtime/admin/live");
  }

  /** A dashboard whose messages arrive in {@code messages}, token in the subprotocol list. */
  private WebSocket dashboard(LinkedBlockingQueue<JsonNode> messages) {
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .subprotocols("parley.admin", "bearer." + ADMIN)
            .buildAsync(live(), new Collector(messages))
            .join();
    opened.add(ws);
    return ws;
  }

  private static int refusal(WebSocket.Builder builder, URI uri) {
    CompletableFuture<WebSocket> attempt = builder.buildAsync(uri, new Collector(null));
    Throwable failure =
        catchThrowable(() -> attempt.orTimeout(10, TimeUnit.SECONDS).join()).getCause();
    assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) failure).getResponse().statusCode();
  }

  private static Throwable catchThrowable(Runnable action) {
    try {
      action.run();
    } catch (CompletionException e) {
      return e;
    }
    throw new AssertionError("the upgrade was accepted");
  }

  private static JsonNode next(LinkedBlockingQueue<JsonNode> messages, String type)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonNode message = messages.poll(100, TimeUnit.MILLISECONDS);
      if (message != null && type.equals(message.path("type").asText())) {
        return message;
      }
    }
    throw new AssertionError("no " + type + " message within 10 s");
  }

  // ---------------------------------------------------------------- the upgrade

  @Test
  void anUpgradeWithoutATokenIs401() {
    assertThat(refusal(HTTP.newWebSocketBuilder(), live())).isEqualTo(401);
    assertThat(refusal(HTTP.newWebSocketBuilder().subprotocols("parley.admin"), live()))
        .isEqualTo(401);
  }

  @Test
  void anUpgradeWithABadTokenIs401InTheHeaderOrTheSubprotocol() {
    assertThat(
            refusal(
                HTTP.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + TestTokens.expired("ops")),
                live()))
        .isEqualTo(401);
    assertThat(
            refusal(
                HTTP.newWebSocketBuilder().subprotocols("parley.admin", "bearer.not-a-jwt"),
                live()))
        .isEqualTo(401);
  }

  @Test
  void anUpgradeWithAValidTokenWithoutTheAdminGroupIs403() {
    String user = TestTokens.grants("alice", List.of("*"), List.of("*"));
    assertThat(
            refusal(
                HTTP.newWebSocketBuilder().subprotocols("parley.admin", "bearer." + user), live()))
        .isEqualTo(403);
  }

  @Test
  void theTokenInTheSubprotocolIsAcceptedAndOnlyParleyAdminIsAnswered() {
    WebSocket ws = dashboard(new LinkedBlockingQueue<>());
    assertThat(ws.getSubprotocol()).isEqualTo("parley.admin");
  }

  @Test
  void theTokenInTheAuthorizationHeaderIsAccepted() throws InterruptedException {
    LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .header("Authorization", "Bearer " + ADMIN)
            .buildAsync(live(), new Collector(messages))
            .join();
    opened.add(ws);
    assertThat(next(messages, "stats").path("stats").has("sessions")).isTrue();
  }

  // ---------------------------------------------------------------- what it pushes

  @Test
  void statsArriveEverySecondWithTheSameFieldsAsTheStatsEndpoint() throws Exception {
    LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    dashboard(messages);
    JsonNode first = next(messages, "stats").path("stats");
    JsonNode second = next(messages, "stats").path("stats");
    JsonNode third = next(messages, "stats").path("stats");
    long apart = third.path("uptimeMs").asLong() - first.path("uptimeMs").asLong();
    // Two periods of one second; a busy machine may skip a tick, never run two at once.
    assertThat(apart).isBetween(1_500L, 6_000L);
    JsonNode endpoint =
        JSON.readTree(
            given()
                .header("Authorization", "Bearer " + ADMIN)
                .get("/realtime/admin/stats")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    List<String> fields = new ArrayList<>();
    endpoint.fieldNames().forEachRemaining(fields::add);
    List<String> pushed = new ArrayList<>();
    second.fieldNames().forEachRemaining(pushed::add);
    assertThat(pushed).containsExactlyInAnyOrderElementsOf(fields);
    assertThat(second.path("connections").has("WEBSOCKET")).isTrue();
    assertThat(second.path("messages").has("published")).isTrue();
  }

  @Test
  void aClientConnectingOnWsShowsUpAsAnEventWhileTheFeedIsOpen() throws Exception {
    LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    dashboard(messages);
    String session;
    try (WsTestClient ws = WsTestClient.connect(base.toString())) {
      ws.send(new io.parley.protocol.ClientFrame.Hello(null, "live-feed-it"));
      session = ws.expect(ServerFrame.Welcome.class).sessionId();
    }
    JsonNode connected;
    do {
      connected = next(messages, "event").path("event");
    } while (!session.equals(connected.path("session").asText()));
    assertThat(connected.path("kind").asText()).isEqualTo("CONNECTED");
    assertThat(connected.path("transport").asText()).isEqualTo("WEBSOCKET");
    assertThat(connected.path("id").asLong()).isPositive();
    JsonNode disconnected;
    do {
      disconnected = next(messages, "event").path("event");
    } while (!session.equals(disconnected.path("session").asText()));
    assertThat(disconnected.path("kind").asText()).isEqualTo("DISCONNECTED");
    assertThat(disconnected.path("reason").asText()).isEqualTo("client_close");
  }

  @Test
  void theStatsTimerRunsOnlyWhileADashboardIsOpen() {
    WebSocket ws = dashboard(new LinkedBlockingQueue<>());
    // The client has its 101 a moment before the server's open callback has run.
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.ticking());
    ws.abort();
    await().atMost(Duration.ofSeconds(10)).until(() -> !feed.ticking());
    assertThat(feed.open()).isZero();
  }

  @Test
  void aDashboardThatDoesNotReadLosesOldEventLinesAndIsToldHowMany() throws Exception {
    String reason = "x".repeat(500);
    try (SlowDashboard slow = SlowDashboard.open(base, ADMIN)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> feed.open() == 1);
      // Admin actions with long reasons, until the dashboard's queue is full and then some: its
      // socket buffers fill first, then the queue, then the oldest lines are dropped.
      int sent = 0;
      int overflow = 0;
      while (overflow < 50) {
        List<CompletableFuture<HttpResponse<Void>>> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          batch.add(
              HTTP.sendAsync(
                  HttpRequest.newBuilder(URI.create(base + "realtime/admin/disconnect"))
                      .header("Authorization", "Bearer " + ADMIN)
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"session\":\"slow-"
                                  + sent++
                                  + "\",\"reason\":\""
                                  + reason
                                  + "\",\"mayReconnect\":true}"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding()));
        }
        batch.forEach(CompletableFuture::join);
        if (feed.mostWaiting() == 1_000) {
          overflow += 50;
        }
        assertThat(sent).as("admin actions sent without filling the queue").isLessThan(40_000);
      }
      // The batch that filled the queue may have overflowed it only in part, and a write that the
      // kernel let through may have sent an earlier notice: the first one counts at least one.
      JsonNode lost = slow.readUntil("lost", Duration.ofSeconds(30));
      assertThat(lost.path("count").asLong()).isPositive();
    }
  }

  // ---------------------------------------------------------------- the page's paths

  @Test
  void thePagePathsArePublicAndTheApiStaysGuarded() {
    given()
        .redirects()
        .follow(false)
        .get("/realtime/admin")
        .then()
        .statusCode(301)
        .header("Location", "/realtime/admin/");
    given()
        .get("/realtime/admin/")
        .then()
        .statusCode(200)
        .contentType(startsWith("text/html"))
        .body(containsString("assets/dashboard.js"));
    for (String file :
        List.of("index.html", "assets/dashboard.js", "assets/uplot/uPlot.iife.min.js")) {
      given().get("/realtime/admin/" + file).then().statusCode(200);
    }
    // Only the page's own files are public: any other path is the API's, and guarded.
    for (String path :
        List.of("stats", "events", "connections", "no-such-endpoint", "assets/no-such.js")) {
      given()
          .get("/realtime/admin/" + path)
          .then()
          .statusCode(401)
          .body("code", equalTo("TOKEN_MISSING"));
    }
    given().get("/realtime/admin/assets/../stats").then().statusCode(401);
  }

  /** Collects text messages as JSON; one per {@code onText} call with {@code last}. */
  private static final class Collector implements WebSocket.Listener {
    private final LinkedBlockingQueue<JsonNode> messages;
    private final StringBuilder partial = new StringBuilder();

    Collector(LinkedBlockingQueue<JsonNode> messages) {
      this.messages = messages;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          messages.add(JSON.readTree(partial.toString()));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  /**
   * A dashboard over a plain socket with a small receive buffer that reads nothing until asked: the
   * server's writes to it stall.
   */
  private static final class SlowDashboard implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;

    private SlowDashboard(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
    }

    static SlowDashboard open(URL base, String token) throws IOException {
      Socket socket = new Socket();
      socket.setReceiveBufferSize(4096); // before connecting, so the window stays small
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      String request =
          "GET /realtime/admin/live HTTP/1.1\r\nHost: "
              + base.getHost()
              + ":"
              + base.getPort()
              + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: cGFybGV5LXNsb3ctZGFzaA==\r\nSec-WebSocket-Version: 13\r\n"
              + "Sec-WebSocket-Protocol: parley.admin, bearer."
              + token
              + "\r\n\r\n";
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      SlowDashboard dashboard = new SlowDashboard(socket);
      String head = dashboard.readHead();
      assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("parley.admin");
      return dashboard;
    }

    private String readHead() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed during the handshake: " + head);
        }
        head.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return head.toString(StandardCharsets.US_ASCII);
    }

    /** Reads text messages until one of {@code type} arrives. */
    JsonNode readUntil(String type, Duration within) throws IOException {
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if ((first & 0x0f) == 0x1) {
          JsonNode message = JSON.readTree(payload);
          if (type.equals(message.path("type").asText())) {
            return message;
          }
        }
      }
      throw new AssertionError("no " + type + " message within " + within);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
