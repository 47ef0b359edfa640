package io.parley.server.transport.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HttpPollIT {
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  @TestHTTPResource("/")
  URL base;

  private static String freshChannel() {
    return "http-it:" + CHANNELS.incrementAndGet();
  }

  private static JsonPath publish(String channel, Object data) {
    return given()
        .contentType("application/json")
        .body(Map.of("channel", channel, "event", "progress", "data", data))
        .post("/realtime/publish")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static ValidatableResponse poll(String body) {
    return given().contentType("application/json").body(body).post("/realtime/poll").then();
  }

  private static String pollBody(String channel, String epoch, long seq, long waitMs) {
    String position = epoch == null ? "null" : "{\"epoch\":\"" + epoch + "\",\"seq\":" + seq + "}";
    return "{\"clientId\":\"poller\",\"subscriptions\":{\""
        + channel
        + "\":"
        + position
        + "},\"waitMs\":"
        + waitMs
        + "}";
  }

  private static void problem(ValidatableResponse response, int status, String code, String field) {
    response
        .statusCode(status)
        .contentType("application/problem+json")
        .body("status", equalTo(status))
        .body("code", equalTo(code))
        .body("type", equalTo("urn:parley:problem:" + code.toLowerCase().replace('_', '-')))
        .body("field", equalTo(field));
  }

  @Test
  void publishAnswersWithThePosition() {
    String channel = freshChannel();
    JsonPath first = publish(channel, Map.of("pct", 10));
    JsonPath second = publish(channel, Map.of("pct", 20));
    assertThat(first.getLong("seq")).isEqualTo(1);
    assertThat(second.getLong("seq")).isEqualTo(2);
    assertThat(second.getString("epoch")).isEqualTo(first.getString("epoch"));
    assertThat(first.getString("channel")).isEqualTo(channel);
  }

  @Test
  void publishWithTheSameIdTwiceIsAppliedOnce() {
    String channel = freshChannel();
    String body = "{\"channel\":\"" + channel + "\",\"event\":\"e\",\"data\":1,\"id\":\"job-7\"}";
    long seq1 =
        given()
            .body(body)
            .post("/realtime/publish")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getLong("seq");
    JsonPath again =
        given().body(body).post("/realtime/publish").then().statusCode(200).extract().jsonPath();
    assertThat(again.getLong("seq")).isEqualTo(seq1);
    assertThat(again.getBoolean("duplicate")).isTrue();
  }

  @Test
  void periodicPollReturnsWhatWasMissedAndTheNewPosition() {
    String channel = freshChannel();
    String epoch = publish(channel, 1).getString("epoch");
    publish(channel, 2);
    publish(channel, 3);

    JsonPath result = poll(pollBody(channel, epoch, 1, 0)).statusCode(200).extract().jsonPath();
    assertThat(result.getList("messages.seq", Long.class)).containsExactly(2L, 3L);
    assertThat(result.getList("messages.data", Integer.class)).containsExactly(2, 3);
    assertThat(result.getLong("positions.'" + channel + "'.seq")).isEqualTo(3);
    assertThat(result.getList("gaps")).isEmpty();
  }

  @Test
  void pollWithoutPositionStartsLiveAtTheCurrentPosition() {
    String channel = freshChannel();
    publish(channel, 1);
    JsonPath result = poll(pollBody(channel, null, 0, 0)).statusCode(200).extract().jsonPath();
    assertThat(result.getList("messages")).isEmpty();
    assertThat(result.getLong("positions.'" + channel + "'.seq")).isEqualTo(1);
  }

  @Test
  void longPollReturnsAsSoonAsAMessageIsPublished() throws Exception {
    String channel = freshChannel();
    String epoch = publish(channel, 0).getString("epoch");
    CompletableFuture<JsonPath> waiting =
        CompletableFuture.supplyAsync(
            () -> poll(pollBody(channel, epoch, 1, 30_000)).statusCode(200).extract().jsonPath());
    // The poll is parked on the server (nothing after seq 1 yet); publishing releases it, long
    // before its 30 s wait would end.
    publishWhenParked(channel, waiting);
    JsonPath result = waiting.get(15, TimeUnit.SECONDS);
    assertThat(result.getList("messages.seq", Long.class)).startsWith(2L);
  }

  /**
   * Publishes "released" every 100 ms until the parked poll answers: the test cannot see when the
   * poll reached the server, and whatever it returns must start right after its position.
   */
  private void publishWhenParked(String channel, CompletableFuture<JsonPath> waiting) {
    org.awaitility.Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .pollInterval(java.time.Duration.ofMillis(100))
        .until(
            () -> {
              if (!waiting.isDone()) {
                publish(channel, "released");
              }
              return waiting.isDone();
            });
  }

  @Test
  void longPollStartingLiveReturnsTheFirstMessagePublishedWhileItWaits() throws Exception {
    String channel = freshChannel();
    publish(channel, "before");
    CompletableFuture<JsonPath> waiting =
        CompletableFuture.supplyAsync(
            () -> poll(pollBody(channel, null, 0, 30_000)).statusCode(200).extract().jsonPath());
    publishWhenParked(channel, waiting);
    JsonPath result = waiting.get(15, TimeUnit.SECONDS);
    List<Long> seqs = result.getList("messages.seq", Long.class);
    // It started live after seq 1, so it never returns the message published before it.
    assertThat(seqs).isNotEmpty().allMatch(seq -> seq >= 2);
    assertThat(result.getList("messages.data", String.class)).containsOnly("released");
    assertThat(result.getLong("positions.'" + channel + "'.seq"))
        .isEqualTo(seqs.get(seqs.size() - 1));
  }

  @Test
  void longPollWithNothingPublishedReturnsEmptyAfterItsWait() {
    String channel = freshChannel();
    JsonPath result = poll(pollBody(channel, null, 0, 300)).statusCode(200).extract().jsonPath();
    assertThat(result.getList("messages")).isEmpty();
    assertThat(result.getLong("positions.'" + channel + "'.seq")).isZero();
  }

  @Test
  void positionFromALostEpochIsReportedAsGap() {
    String channel = freshChannel();
    publish(channel, 1);
    JsonPath result = poll(pollBody(channel, "lost", 4, 0)).statusCode(200).extract().jsonPath();
    assertThat(result.getString("gaps[0].channel")).isEqualTo(channel);
    assertThat(result.getString("gaps[0].from.epoch")).isEqualTo("lost");
    assertThat(result.getLong("gaps[0].to.seq")).isZero();
    assertThat(result.getList("messages.seq", Long.class)).containsExactly(1L);
  }

  @Test
  void webSocketAndPollSeeTheSameStreamInTheSameOrder() {
    String channel = freshChannel();
    try (WsTestClient ws = WsTestClient.greeted(base.toString(), "ws-reader")) {
      ws.send(new ClientFrame.Subscribe("s", channel, null));
      ServerFrame.Subscribed subscribed = ws.expect(ServerFrame.Subscribed.class);
      for (int i = 0; i < 20; i++) {
        publish(channel, i);
      }
      List<String> overWs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ServerFrame.Message m = ws.expect(ServerFrame.Message.class);
        overWs.add(m.epoch() + ":" + m.seq() + ":" + m.data());
      }
      JsonPath polled =
          poll(pollBody(channel, subscribed.position().epoch(), 0, 0))
              .statusCode(200)
              .extract()
              .jsonPath();
      List<String> overPoll = new ArrayList<>();
      List<Map<String, Object>> messages = polled.getList("messages");
      for (Map<String, Object> m : messages) {
        overPoll.add(m.get("epoch") + ":" + m.get("seq") + ":" + m.get("data"));
      }
      assertThat(overPoll).containsExactlyElementsOf(overWs);
    }
  }

  @Test
  void malformedJsonIsAProblemNamingBadJson() {
    problem(poll("{\"clientId\":"), 400, "BAD_JSON", null);
  }

  @Test
  void emptyBodyIsAProblem() {
    problem(poll(""), 400, "BAD_JSON", null);
  }

  @Test
  void missingClientIdIsAProblemNamingTheField() {
    problem(poll("{\"subscriptions\":{\"a\":null}}"), 400, "MISSING_FIELD", "clientId");
  }

  @Test
  void subscriptionsThatAreNotAnObjectAreAProblem() {
    problem(
        poll("{\"clientId\":\"c\",\"subscriptions\":[\"a\"]}"),
        400,
        "INVALID_FIELD",
        "subscriptions");
  }

  @Test
  void noSubscriptionsIsAProblem() {
    problem(
        poll("{\"clientId\":\"c\",\"subscriptions\":{}}"), 400, "INVALID_FIELD", "subscriptions");
  }

  @Test
  void channelNameOutsideThePatternIsAProblem() {
    problem(
        poll(pollBody("bad channel", null, 0, 0)),
        400,
        "INVALID_CHANNEL",
        "subscriptions.bad channel");
  }

  @Test
  void sessionChannelCannotBePolled() {
    problem(
        poll(pollBody("session:someone", null, 0, 0)),
        400,
        "CHANNEL_RESERVED",
        "subscriptions.session:someone");
  }

  @Test
  void malformedPositionIsAProblemNamingTheNestedField() {
    problem(
        poll("{\"clientId\":\"c\",\"subscriptions\":{\"a\":{\"epoch\":\"e\"}}}"),
        400,
        "MISSING_FIELD",
        "subscriptions.a.seq");
  }

  @Test
  void waitBeyondTheMaximumIsAProblemSayingTheRange() {
    poll(pollBody("a", null, 0, 60_000))
        .statusCode(400)
        .body("code", equalTo("INVALID_FIELD"))
        .body("field", equalTo("waitMs"))
        .body("detail", equalTo("waitMs must be between 0 and 30000 but was 60000"));
  }

  @Test
  void mistypedWaitIsAProblem() {
    problem(
        poll("{\"clientId\":\"c\",\"subscriptions\":{\"a\":null},\"waitMs\":\"soon\"}"),
        400,
        "INVALID_FIELD",
        "waitMs");
  }

  @Test
  void positionAheadOfTheChannelIsAProblem() {
    String channel = freshChannel();
    String epoch = publish(channel, 1).getString("epoch");
    problem(
        poll(pollBody(channel, epoch, 50, 0)),
        400,
        "POSITION_AHEAD",
        "subscriptions." + channel + ".seq");
  }

  @Test
  void oversizeBodyIsAProblemWith413() {
    String body =
        "{\"clientId\":\"c\",\"subscriptions\":{\"a\":null},\"pad\":\""
            + "x".repeat(70_000)
            + "\"}";
    problem(poll(body), 413, "FRAME_TOO_LARGE", null);
  }

  @Test
  void publishWithoutEventIsAProblemNamingIt() {
    problem(
        given().body("{\"channel\":\"a\",\"data\":1}").post("/realtime/publish").then(),
        400,
        "MISSING_FIELD",
        "event");
  }

  @Test
  void publishToAnInvalidChannelIsAProblem() {
    problem(
        given().body("{\"channel\":\"\",\"event\":\"e\"}").post("/realtime/publish").then(),
        400,
        "INVALID_CHANNEL",
        "channel");
  }
}
