package io.parley.server.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyClient;
import io.parley.client.StatusChanged;
import io.parley.client.TokenSupplier;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;
import io.parley.protocol.backoff.BackoffPolicy;
import io.parley.server.testing.TestTokens;
import io.parley.server.transport.socketio.NodeScript;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard at {@code /realtime/admin/} in a real browser (Debian's headless Chromium through
 * playwright-core, {@link DashboardPage}): signing in with a pasted token and being refused with a
 * wrong one, a Java client showing up in the counts and the event log, a disconnect and a broadcast
 * sent from the page reaching real clients, and the page keeping up with a burst of connects while
 * its frame time is measured. Screenshots go to {@code target/dashboard-*.png}.
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
class DashboardBrowserIT {
  private static final String ADMIN = TestTokens.claims("ops").groups(Set.of("admin")).sign();
  private static final AtomicInteger USERS = new AtomicInteger();
  private static final Duration STEP = Duration.ofSeconds(10);

  /** Connections opened at once by the burst test ({@code -Ddashboard.burst=} for another size). */
  private static final int BURST = Integer.getInteger("dashboard.burst", 1_000);

  /**
   * A generous bound on the 95th percentile of the page's frame intervals during the burst: a page
   * rendering per event rather than per frame stalls for seconds; a healthy one stays near 16 ms.
   */
  private static final double FRAME_P95_BOUND_MS = 250;

  private static DashboardPage page;

  @TestHTTPResource("/")
  URL base;

  @BeforeAll
  static void launchBrowser() throws Exception {
    page = DashboardPage.launch();
  }

  @AfterAll
  static void closeBrowser() throws Exception {
    if (page != null) {
      page.close();
    }
  }

  private static String freshUser() {
    return "dash-it-" + USERS.incrementAndGet();
  }

  private String pageUrl() {
    return base.toString().replaceAll("/$", "") + "/realtime/admin/";
  }

  private void openAndSignIn() {
    JsonNode opened = page.call(DashboardPage.command("open").put("url", pageUrl()), STEP);
    assertThat(opened.path("status").asInt()).isEqualTo(200);
    JsonNode signIn = page.call(DashboardPage.command("signIn").put("token", ADMIN), STEP);
    assertThat(signIn.path("signedIn").asBoolean()).as("signed in: %s", signIn).isTrue();
    assertThat(signIn.path("url").asText()).isEqualTo(pageUrl());
    // Every case runs on the live feed, not on the page's polling fallback.
    page.call(
        DashboardPage.command("waitText")
            .put("id", "feed")
            .put("equals", "live")
            .put("timeoutMs", STEP.toMillis()),
        STEP);
  }

  private JsonNode waitText(String id, int atLeast, Duration timeout) {
    return page.call(
        DashboardPage.command("waitText")
            .put("id", id)
            .put("atLeast", atLeast)
            .put("timeoutMs", timeout.toMillis()),
        timeout);
  }

  private int number(String id) {
    String text =
        page.call(DashboardPage.command("text").put("id", id), STEP).path("text").asText();
    return Integer.parseInt(text.replace(",", ""));
  }

  private JsonNode waitEvent(String kind, String user, Duration timeout) {
    return page.call(
        DashboardPage.command("waitEvent")
            .put("kind", kind)
            .put("user", user)
            .put("timeoutMs", timeout.toMillis()),
        timeout);
  }

  private static int webSocketSessions() {
    return given()
        .header("Authorization", "Bearer " + ADMIN)
        .get("/realtime/admin/stats")
        .then()
        .statusCode(200)
        .extract()
        .path("connections.WEBSOCKET");
  }

  private ParleyClient javaClient(String user) {
    return ParleyClient.builder()
        .serverUrl(base.toString())
        .tokenSupplier(TokenSupplier.of(TestTokens.grants(user, List.of("*"), List.of("*"))))
        .transports(Transport.WEBSOCKET)
        .connectTimeout(Duration.ofSeconds(5))
        .backoff(
            BackoffPolicy.exponentialFullJitter(
                Duration.ofMillis(100), Duration.ofMillis(300), new SplittableRandom(7)))
        .build();
  }

  // ---------------------------------------------------------------- sign-in

  @Test
  void signingInShowsTheNodeItsSelfTestsAndTheCounts() {
    openAndSignIn();
    String node =
        page.call(DashboardPage.command("text").put("id", "node"), STEP).path("text").asText();
    assertThat(node).startsWith("node ");
    // Self-tests run every 2 s in this profile: the panel shows each transport's result.
    await()
        .atMost(STEP)
        .untilAsserted(
            () ->
                assertThat(
                        page.call(DashboardPage.command("rows").put("id", "self-tests"), STEP)
                            .path("rows")
                            .asInt())
                    .isGreaterThanOrEqualTo(2));
    assertThat(
            page.call(DashboardPage.command("text").put("id", "status-word"), STEP)
                .path("text")
                .asText())
        .isIn("HEALTHY", "DEGRADED", "CRITICAL", "UNTESTED");
    page.call(
        DashboardPage.command("screenshot")
            .put("path", Path.of("target", "dashboard-signed-in.png").toAbsolutePath().toString()),
        STEP);
  }

  @Test
  void everyControlIsLabelledAndADialogDismissedFromTheKeyboardDoesNothing() {
    openAndSignIn();
    assertThat(page.call(DashboardPage.command("unlabelled"), STEP).path("controls")).isEmpty();
    JsonNode cancelled = page.call(DashboardPage.command("cancelDrain"), STEP);
    assertThat(cancelled.path("question").asText()).startsWith("Drain this node?");
    assertThat(cancelled.path("result").asText()).isEqualTo("Cancelled.");
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .get("/realtime/admin/stats")
        .then()
        .statusCode(200)
        .body("draining", org.hamcrest.Matchers.equalTo(false));
  }

  @Test
  void aWrongTokenIsRefusedWithAClearMessageAndNotKept() {
    page.call(DashboardPage.command("open").put("url", pageUrl()), STEP);
    JsonNode garbage = page.call(DashboardPage.command("signIn").put("token", "not-a-token"), STEP);
    assertThat(garbage.path("signedIn").asBoolean()).isFalse();
    assertThat(garbage.path("error").asText())
        .contains("The token was refused (401")
        .contains("Paste a valid admin token");
    assertThat(garbage.path("stored").asBoolean()).as("kept in sessionStorage").isFalse();

    JsonNode expired =
        page.call(DashboardPage.command("signIn").put("token", TestTokens.expired("ops")), STEP);
    assertThat(expired.path("error").asText()).contains("401 TOKEN_EXPIRED");

    String user = TestTokens.grants("alice", List.of("*"), List.of("*"));
    JsonNode notAdmin = page.call(DashboardPage.command("signIn").put("token", user), STEP);
    assertThat(notAdmin.path("signedIn").asBoolean()).isFalse();
    assertThat(notAdmin.path("error").asText())
        .isEqualTo("The token is valid but does not carry the admin role (403 FORBIDDEN).");
    assertThat(notAdmin.path("url").asText()).doesNotContain(user).doesNotContain("token");
    page.call(
        DashboardPage.command("screenshot")
            .put("path", Path.of("target", "dashboard-refused.png").toAbsolutePath().toString()),
        STEP);
  }

  // ---------------------------------------------------------------- a Java client

  @Test
  void aJavaClientShowsInTheCountsAndTheEventLogWithinTwoSecondsAndIsDisconnectedFromThePage() {
    openAndSignIn();
    int before = number("count-WEBSOCKET");
    String user = freshUser();
    List<StatusChanged> changes = new CopyOnWriteArrayList<>();
    ParleyClient client = javaClient(user);
    try {
      client.addListener(
          new io.parley.client.ClientListener() {
            @Override
            public void onStatusChanged(StatusChanged event) {
              changes.add(event);
            }
          });
      client.connect().toCompletableFuture().join();

      JsonNode connected = waitEvent("CONNECTED", user, Duration.ofSeconds(2));
      assertThat(connected.path("transport").asText()).isEqualTo("WEBSOCKET");
      waitText("count-WEBSOCKET", before + 1, Duration.ofSeconds(2));

      JsonNode action =
          page.call(
              DashboardPage.command("disconnect")
                  .put("target", "user")
                  .put("id", user)
                  .put("reason", "maintenance drill")
                  .put("mayReconnect", false),
              STEP);
      assertThat(action.path("question").asText())
          .contains(user)
          .contains("maintenance drill")
          .contains("told not to come back");
      assertThat(action.path("result").asText()).isEqualTo("Disconnected 1 session.");

      await().atMost(STEP).until(() -> client.status() == ConnectionStatus.FAILED);
      StatusChanged failed = changes.get(changes.size() - 1);
      assertThat(failed.cause()).isInstanceOf(ConnectionException.class);
      assertThat(((ConnectionException) failed.cause()).code())
          .isEqualTo(ErrorCode.DISCONNECTED_NO_RECONNECT);
      assertThat(failed.cause().getMessage()).contains("maintenance drill");
      waitEvent("DISCONNECTED", user, STEP);
    } finally {
      client.close().toCompletableFuture().join();
    }
  }

  // ---------------------------------------------------------------- the official JS client

  @Test
  void aBroadcastFromThePageReachesTheOfficialJsClient() throws Exception {
    openAndSignIn();
    String user = freshUser();
    List<String> results = new ArrayList<>();
    NodeScript.Run run =
        NodeScript.run(
            "admin.js",
            line -> {
              if (line.equals("CONNECTED")) {
                results.add(
                    page.call(
                            DashboardPage.command("broadcast")
                                .put("event", "notice")
                                .put("text", "maintenance at 22:00"),
                            STEP)
                        .path("result")
                        .asText());
                return true;
              }
              if (line.equals("READY")) {
                results.add(
                    page.call(
                            DashboardPage.command("disconnect")
                                .put("target", "user")
                                .put("id", user)
                                .put("reason", "account closed")
                                .put("mayReconnect", false),
                            STEP)
                        .path("result")
                        .asText());
                return true;
              }
              return false;
            },
            base.toString().replaceAll("/$", ""),
            TestTokens.grants(user, List.of("*"), List.of()),
            "final");
    assertThat(run.lines())
        .containsExactly(
            "BROADCAST notice {\"text\":\"maintenance at 22:00\"}",
            "ERROR DISCONNECTED_NO_RECONNECT account closed",
            "DISCONNECT io server disconnect active=false");
    assertThat(run.exitValue()).isZero();
    assertThat(results.get(0)).startsWith("Sent as parley:broadcast #");
    assertThat(results.get(1)).isEqualTo("Disconnected 1 session.");
  }

  // ---------------------------------------------------------------- a burst

  @Test
  void thePageKeepsUpWithABurstOfAThousandConnects() throws Exception {
    openAndSignIn();
    int before = number("count-WEBSOCKET");
    page.call(DashboardPage.command("framesStart"), STEP);
    long started = System.nanoTime();
    Process sockets = burst(BURST);
    try {
      JsonNode reached = waitText("count-WEBSOCKET", before + BURST, Duration.ofSeconds(30));
      long countMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      // Let the page take in the burst's events and a few more snapshots before measuring ends.
      waitText("count-channels", BURST, Duration.ofSeconds(30));
      JsonNode frames = page.call(DashboardPage.command("framesStop"), STEP);
      int rows =
          page.call(DashboardPage.command("rows").put("id", "events"), STEP).path("rows").asInt();
      String figures =
          String.format(
              "burst of %d connects: count reached in %d ms (page saw it %d ms after it began"
                  + " waiting); frames %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms,"
                  + " over 50 ms %d; long tasks %d (%.0f ms in all, longest %.0f ms); renders"
                  + " %d (%.0f ms of script in all, longest %.1f ms); event rows %d%n",
              BURST,
              countMs,
              reached.path("ms").asLong(),
              frames.path("frames").asInt(),
              frames.path("p50").asDouble(),
              frames.path("p95").asDouble(),
              frames.path("p99").asDouble(),
              frames.path("max").asDouble(),
              frames.path("over50").asInt(),
              frames.path("longTasks").asInt(),
              frames.path("longTaskMs").asDouble(),
              frames.path("longestTaskMs").asDouble(),
              frames.path("renders").asInt(),
              frames.path("renderMs").asDouble(),
              frames.path("longestRenderMs").asDouble(),
              rows);
      System.out.print(figures);
      Files.writeString(Path.of("target", "dashboard-frames.txt"), figures);
      assertThat(rows).as("the event log stays bounded").isLessThanOrEqualTo(500).isPositive();
      assertThat(frames.path("frames").asInt()).isPositive();
      assertThat(frames.path("p95").asDouble()).isLessThan(FRAME_P95_BOUND_MS);
      page.call(
          DashboardPage.command("screenshot")
              .put("path", Path.of("target", "dashboard.png").toAbsolutePath().toString())
              .put("width", 1280)
              .put("height", 800),
          STEP);
      page.call(
          DashboardPage.command("screenshot")
              .put("path", Path.of("target", "dashboard-narrow.png").toAbsolutePath().toString())
              .put("width", 390)
              .put("height", 844),
          STEP);
    } finally {
      sockets.getOutputStream().close();
      if (!sockets.waitFor(30, TimeUnit.SECONDS)) {
        sockets.destroyForcibly();
      }
      // The next test counts from a quiet node.
      await().atMost(Duration.ofSeconds(60)).until(() -> webSocketSessions() <= before);
    }
  }

  /**
   * Opens {@code count} raw {@code /ws} connections at once from Node ({@code
   * src/test/js/burst.js}, outside this JVM), each greeted, subscribed to its own channel and
   * publishing one message there (so the node holds {@code count} channels); returns once all are
   * welcomed. Closing the returned process's stdin closes them.
   */
  private Process burst(int count) throws Exception {
    Process node =
        new ProcessBuilder(
                "node",
                "--experimental-websocket",
                "burst.js",
                base.toString().replaceAll("/$", ""),
                Integer.toString(count))
            .directory(Path.of("src", "test", "js").toFile())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> readLine(out));
    String line = first.get(150, TimeUnit.SECONDS);
    assertThat(line).as("burst.js").startsWith("OPEN " + count);
    return node;
  }

  private static String readLine(BufferedReader out) {
    try {
      String line = out.readLine();
      return line == null ? "(burst.js ended)" : line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
