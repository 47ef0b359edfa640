package io.parley.server.transport.websocket;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@QuarkusTest
class NativeWebSocketIT {
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  @TestHTTPResource("/")
  URL base;

  private static String freshChannel() {
    return "ws-it:" + CHANNELS.incrementAndGet();
  }

  private WsTestClient greeted(String clientId) {
    return WsTestClient.greeted(base.toString(), clientId);
  }

  private static ServerFrame.Subscribed subscribe(WsTestClient client, String channel) {
    client.send(new ClientFrame.Subscribe("sub-" + channel, channel, null));
    return client.expect(ServerFrame.Subscribed.class);
  }

  private static ServerFrame.Ack publish(WsTestClient client, String channel, String id, int v) {
    client.send(new ClientFrame.Publish(id, channel, "tick", IntNode.valueOf(v)));
    return client.awaitFrame(ServerFrame.Ack.class, ack -> ack.id().equals(id));
  }

  /** Proves the connection still works after a rejected frame. */
  private static void assertAlive(WsTestClient client) {
    client.send(new ClientFrame.Ping(77));
    assertThat(client.awaitFrame(ServerFrame.Pong.class, p -> true).ts()).isEqualTo(77);
  }

  private static ServerFrame.Error expectError(WsTestClient client, ErrorCode code) {
    ServerFrame.Error error = client.expect(ServerFrame.Error.class);
    assertThat(error.code()).as(error.message()).isEqualTo(code);
    assertThat(error.category()).isEqualTo(code.category());
    return error;
  }

  @Test
  void helloIsAnsweredWithWelcomeCarryingSessionHeartbeatAndNode() {
    try (WsTestClient client = WsTestClient.connect(base.toString())) {
      client.send(new ClientFrame.Hello(null, "c-welcome"));
      ServerFrame.Welcome welcome = client.expect(ServerFrame.Welcome.class);
      assertThat(welcome.sessionId()).hasSizeGreaterThanOrEqualTo(20);
      assertThat(welcome.heartbeat().intervalMs()).isEqualTo(25_000);
      assertThat(welcome.heartbeat().timeoutMs()).isEqualTo(45_000);
      assertThat(welcome.node()).isNotBlank();
    }
  }

  @Test
  void publishedMessageReachesEverySubscriberAndThePublisherGetsAnAck() {
    String channel = freshChannel();
    try (WsTestClient alice = greeted("alice");
        WsTestClient bob = greeted("bob")) {
      ServerFrame.Subscribed subscribed = subscribe(alice, channel);
      assertThat(subscribed.position().seq()).isZero();
      assertThat(subscribed.recovered()).isTrue();

      ServerFrame.Ack ack = publish(bob, channel, "p-1", 41);
      assertThat(ack.seq()).isEqualTo(1);

      ServerFrame.Message message = alice.expect(ServerFrame.Message.class);
      assertThat(message.channel()).isEqualTo(channel);
      assertThat(message.seq()).isEqualTo(1);
      assertThat(message.epoch()).isEqualTo(subscribed.position().epoch());
      assertThat(message.event()).isEqualTo("tick");
      assertThat(message.data()).isEqualTo(IntNode.valueOf(41));
    }
  }

  @Test
  void aMessageOutsideAsciiReachesEverySubscriberIntactFromItsSharedBytes() {
    String channel = freshChannel();
    String text = "h\u00e9llo \u65e5\u672c \ud83d\ude00 ".repeat(200); // over 1 KB, 1-4 byte chars
    try (WsTestClient alice = greeted("alice-utf8");
        WsTestClient carol = greeted("carol-utf8");
        WsTestClient bob = greeted("bob-utf8")) {
      subscribe(alice, channel);
      subscribe(carol, channel);
      bob.send(new ClientFrame.Publish("u-1", channel, "note", TextNode.valueOf(text)));
      bob.awaitFrame(ServerFrame.Ack.class, ack -> ack.id().equals("u-1"));

      assertThat(alice.expect(ServerFrame.Message.class).data().textValue()).isEqualTo(text);
      assertThat(carol.expect(ServerFrame.Message.class).data().textValue()).isEqualTo(text);
    }
  }

  @Test
  void subscriberThatMissedMessagesResumesWithSinceAndGetsExactlyThoseOnceInOrder() {
    String channel = freshChannel();
    Position lastSeen;
    try (WsTestClient publisher = greeted("pub");
        WsTestClient reader = greeted("reader")) {
      subscribe(reader, channel);
      publish(publisher, channel, "a", 1);
      publish(publisher, channel, "b", 2);
      lastSeen = reader.expect(ServerFrame.Message.class).position();
      reader.expect(ServerFrame.Message.class);
      lastSeen = lastSeen.withSeq(2);
      reader.close();

      publish(publisher, channel, "c", 3);
      publish(publisher, channel, "d", 4);
      publish(publisher, channel, "e", 5);

      try (WsTestClient back = greeted("reader")) {
        back.send(new ClientFrame.Subscribe("resume", channel, lastSeen));
        ServerFrame.Subscribed subscribed = back.expect(ServerFrame.Subscribed.class);
        assertThat(subscribed.recovered()).isTrue();
        assertThat(subscribed.position().seq()).isEqualTo(5);
        publish(publisher, channel, "f", 6);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          seqs.add(back.expect(ServerFrame.Message.class).seq());
        }
        assertThat(seqs).containsExactly(3L, 4L, 5L, 6L);
      }
    }
  }

  @Test
  void retriedPublishIsAckedWithTheSameSeqAndDeliveredOnce() {
    String channel = freshChannel();
    try (WsTestClient client = greeted("retrier")) {
      subscribe(client, channel);
      client.send(new ClientFrame.Publish("same", channel, "e", TextNode.valueOf("x")));
      client.send(new ClientFrame.Publish("same", channel, "e", TextNode.valueOf("x")));
      client.send(new ClientFrame.Publish("next", channel, "e", TextNode.valueOf("y")));
      List<Long> acks = new ArrayList<>();
      List<Long> messages = new ArrayList<>();
      while (acks.size() < 3) {
        ServerFrame frame = client.next();
        if (frame instanceof ServerFrame.Ack ack) {
          acks.add(ack.seq());
        } else if (frame instanceof ServerFrame.Message message) {
          messages.add(message.seq());
        }
      }
      while (messages.size() < 2) {
        messages.add(client.expect(ServerFrame.Message.class).seq());
      }
      assertThat(acks).containsExactly(1L, 1L, 2L);
      assertThat(messages).containsExactly(1L, 2L);
    }
  }

  @Test
  void framesSentBackToBackAreHandledInTheOrderSent() {
    String channel = freshChannel();
    try (WsTestClient publisher = greeted("pipeliner");
        WsTestClient reader = greeted("pipeline-reader")) {
      subscribe(reader, channel);
      for (int i = 1; i <= 50; i++) {
        publisher.send(new ClientFrame.Publish("burst-" + i, channel, "n", IntNode.valueOf(i)));
      }
      for (int i = 1; i <= 50; i++) {
        ServerFrame.Ack ack = publisher.expect(ServerFrame.Ack.class);
        assertThat(ack.id()).isEqualTo("burst-" + i);
        assertThat(ack.seq()).isEqualTo(i);
        assertThat(reader.expect(ServerFrame.Message.class).data()).isEqualTo(IntNode.valueOf(i));
      }
    }
  }

  @Test
  void unsubscribeIsConfirmedAndStopsDelivery() {
    String channel = freshChannel();
    try (WsTestClient client = greeted("leaver")) {
      subscribe(client, channel);
      client.send(new ClientFrame.Unsubscribe("u1", channel));
      assertThat(client.expect(ServerFrame.Unsubscribed.class).channel()).isEqualTo(channel);
      publish(client, channel, "after", 1);
      assertAlive(client);
    }
  }

  @Test
  void malformedJsonGetsBadJsonAndTheConnectionSurvives() {
    try (WsTestClient client = greeted("bad-json")) {
      client.sendText("{\"type\":\"subscribe\",");
      expectError(client, ErrorCode.BAD_JSON);
      assertAlive(client);
    }
  }

  @Test
  void unknownFrameTypeGetsUnknownTypeNamingIt() {
    try (WsTestClient client = greeted("unknown")) {
      client.sendText("{\"type\":\"shout\",\"id\":\"7\"}");
      ServerFrame.Error error = expectError(client, ErrorCode.UNKNOWN_TYPE);
      assertThat(error.id()).isEqualTo("7");
      assertThat(error.field()).isEqualTo("type");
      assertThat(error.message()).contains("shout");
      assertAlive(client);
    }
  }

  @Test
  void missingFieldGetsMissingFieldNamingIt() {
    try (WsTestClient client = greeted("missing")) {
      client.sendText("{\"type\":\"subscribe\",\"id\":\"8\"}");
      ServerFrame.Error error = expectError(client, ErrorCode.MISSING_FIELD);
      assertThat(error.field()).isEqualTo("channel");
      assertThat(error.id()).isEqualTo("8");
      assertAlive(client);
    }
  }

  @Test
  void mistypedFieldGetsInvalidFieldSayingWhatWasExpected() {
    try (WsTestClient client = greeted("mistyped")) {
      client.sendText(
          "{\"type\":\"subscribe\",\"id\":\"9\",\"channel\":\"a\",\"since\":{\"epoch\":\"e\","
              + "\"seq\":\"three\"}}");
      ServerFrame.Error error = expectError(client, ErrorCode.INVALID_FIELD);
      assertThat(error.field()).isEqualTo("since.seq");
      assertThat(error.message()).isEqualTo("since.seq must be an integer but got a string");
      assertAlive(client);
    }
  }

  @Test
  void channelNameOutsideThePatternGetsInvalidChannel() {
    try (WsTestClient client = greeted("bad-channel")) {
      client.sendText("{\"type\":\"subscribe\",\"id\":\"10\",\"channel\":\"jobs/1\"}");
      ServerFrame.Error error = expectError(client, ErrorCode.INVALID_CHANNEL);
      assertThat(error.field()).isEqualTo("channel");
      assertAlive(client);
    }
  }

  @Test
  void oversizeFrameGetsFrameTooLargeAndTheConnectionSurvives() {
    try (WsTestClient client = greeted("oversize")) {
      client.sendText(
          "{\"type\":\"publish\",\"id\":\"big\",\"channel\":\"a\",\"event\":\"e\",\"data\":\""
              + "x".repeat(70_000)
              + "\"}");
      expectError(client, ErrorCode.FRAME_TOO_LARGE);
      assertAlive(client);
    }
  }

  @Test
  void aMessageOverTheHardCeilingClosesTheConnectionWith1009() {
    try (WsTestClient client = greeted("too-big")) {
      // quarkus.http.websocket-server.max-message-size is 1 MiB.
      client.sendText("x".repeat(1_100_000));
      assertThat(client.awaitClose()).isEqualTo(1009);
    }
  }

  @Test
  void aBinaryMessageGetsBadJsonAndTheConnectionSurvives() {
    try (WsTestClient client = greeted("binary")) {
      client.sendBinary(new byte[] {1, 2, 3});
      ServerFrame.Error error = expectError(client, ErrorCode.BAD_JSON);
      assertThat(error.message()).contains("binary message of 3 bytes");
      assertAlive(client);
    }
  }

  @Test
  void aPlainGetIsRefusedNamingTheUpgradeHeader() {
    given()
        .baseUri(base.toString())
        .get("/ws")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("code", equalTo("INVALID_FIELD"))
        .body("field", equalTo("Upgrade"))
        .body("detail", containsString("WebSocket upgrade"));
  }

  @Test
  void compressionIsNotNegotiatedByDefault() throws IOException {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      List<String> head =
          handshake(
              socket, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
      assertThat(head).first().asString().startsWith("http/1.1 101");
      assertThat(head).noneMatch(line -> line.startsWith("sec-websocket-extensions"));
    }
  }

  @Test
  void aSubscriberThatStopsReadingIsDisconnectedAsASlowConsumerAndThePublisherGoesOn()
      throws IOException {
    String channel = freshChannel();
    try (Socket stalled = new Socket(base.getHost(), base.getPort());
        WsTestClient publisher = greeted("fast-publisher")) {
      stalled.setSoTimeout(30_000);
      handshake(stalled, "");
      OutputStream out = stalled.getOutputStream();
      out.write(maskedText("{\"type\":\"hello\",\"clientId\":\"stalled\"}"));
      out.write(
          maskedText("{\"type\":\"subscribe\",\"id\":\"s\",\"channel\":\"" + channel + "\"}"));
      out.flush();
      // The stalled client reads nothing from here on; 400 messages of 30 KB fill the loopback
      // buffers and then the server's write queue.
      assertThat(publish(publisher, channel, "first", 0).seq()).isEqualTo(1);
      String payload = "y".repeat(30_000);
      for (int i = 0; i < 400; i++) {
        publisher.send(
            new ClientFrame.Publish("bulk-" + i, channel, "e", TextNode.valueOf(payload)));
      }
      assertThat(publisher.awaitFrame(ServerFrame.Ack.class, a -> a.id().equals("bulk-399")).seq())
          .isEqualTo(401);
      assertAlive(publisher);
      // Reading again, the stalled client finds its disconnect after what was written.
      byte[] code = "SLOW_CONSUMER".getBytes(StandardCharsets.US_ASCII);
      InputStream in = new BufferedInputStream(stalled.getInputStream(), 1 << 16);
      byte[] window = new byte[code.length];
      int read;
      boolean found = false;
      while (!found && (read = in.read()) >= 0) {
        System.arraycopy(window, 1, window, 0, window.length - 1);
        window[window.length - 1] = (byte) read;
        found = java.util.Arrays.equals(window, code);
      }
      assertThat(found).as("SLOW_CONSUMER in the stalled client's stream").isTrue();
    }
  }

  /** Sends a WebSocket upgrade for {@code /ws} and reads the response head; returns its lines. */
  private static List<String> handshake(Socket socket, String extraHeaders) throws IOException {
    socket
        .getOutputStream()
        .write(
            ("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + extraHeaders
                    + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    // Byte by byte, so that nothing after the head is consumed into a reader's buffer.
    InputStream in = socket.getInputStream();
    List<String> head = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        String text = line.toString().strip();
        if (text.isEmpty()) {
          break;
        }
        head.add(text.toLowerCase(Locale.ROOT));
        line.setLength(0);
      } else {
        line.append((char) b);
      }
    }
    return head;
  }

  /** A client text frame (clients must mask), for payloads under 64 KiB. */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    boolean small = payload.length < 126;
    byte[] frame = new byte[(small ? 2 : 4) + 4 + payload.length];
    frame[0] = (byte) 0x81;
    int at;
    if (small) {
      frame[1] = (byte) (0x80 | payload.length);
      at = 2;
    } else {
      frame[1] = (byte) (0x80 | 126);
      frame[2] = (byte) (payload.length >> 8);
      frame[3] = (byte) payload.length;
      at = 4;
    }
    System.arraycopy(mask, 0, frame, at, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[at + 4 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }

  @Test
  void subscribingTwiceGetsAlreadySubscribed() {
    String channel = freshChannel();
    try (WsTestClient client = greeted("twice")) {
      subscribe(client, channel);
      client.send(new ClientFrame.Subscribe("again", channel, null));
      ServerFrame.Error error = expectError(client, ErrorCode.ALREADY_SUBSCRIBED);
      assertThat(error.id()).isEqualTo("again");
      assertAlive(client);
    }
  }

  @Test
  void sinceAheadOfTheChannelGetsPositionAhead() {
    String channel = freshChannel();
    try (WsTestClient client = greeted("ahead")) {
      Position now = subscribe(client, channel).position();
      client.send(new ClientFrame.Unsubscribe("u", channel));
      client.expect(ServerFrame.Unsubscribed.class);
      client.send(new ClientFrame.Subscribe("future", channel, now.withSeq(99)));
      ServerFrame.Error error = expectError(client, ErrorCode.POSITION_AHEAD);
      assertThat(error.field()).isEqualTo("since");
      assertThat(error.id()).isEqualTo("future");
      assertAlive(client);
    }
  }

  @Test
  void sinceFromAnotherEpochGetsAGapThenTheRetainedMessages() {
    String channel = freshChannel();
    try (WsTestClient client = greeted("epoch")) {
      publish(client, channel, "one", 1);
      client.send(new ClientFrame.Subscribe("old", channel, new Position("gone", 12)));
      ServerFrame.Subscribed subscribed = client.expect(ServerFrame.Subscribed.class);
      assertThat(subscribed.recovered()).isFalse();
      ServerFrame.Gap gap = client.expect(ServerFrame.Gap.class);
      assertThat(gap.from()).isEqualTo(new Position("gone", 12));
      assertThat(gap.to()).isEqualTo(subscribed.position().withSeq(0));
      assertThat(client.expect(ServerFrame.Message.class).seq()).isEqualTo(1);
    }
  }

  @Test
  void publishBeforeHelloGetsHelloRequired() {
    try (WsTestClient client = WsTestClient.connect(base.toString())) {
      client.send(new ClientFrame.Publish("early", "a", "e", IntNode.valueOf(1)));
      ServerFrame.Error error = expectError(client, ErrorCode.HELLO_REQUIRED);
      assertThat(error.id()).isEqualTo("early");
      client.send(new ClientFrame.Hello(null, "late"));
      client.expect(ServerFrame.Welcome.class);
    }
  }

  @Test
  void secondHelloGetsAlreadyGreeted() {
    try (WsTestClient client = greeted("double")) {
      client.send(new ClientFrame.Hello(null, "double"));
      expectError(client, ErrorCode.ALREADY_GREETED);
      assertAlive(client);
    }
  }

  @Test
  void clientCannotPublishToASessionChannel() {
    try (WsTestClient client = greeted("sneaky")) {
      client.send(new ClientFrame.Publish("s", "session:abc", "e", IntNode.valueOf(1)));
      ServerFrame.Error error = expectError(client, ErrorCode.CHANNEL_RESERVED);
      assertThat(error.field()).isEqualTo("channel");
    }
  }

  @Test
  void oneClientsBadInputDoesNotAffectAnother() {
    String channel = freshChannel();
    try (WsTestClient good = greeted("good");
        WsTestClient bad = greeted("bad");
        WsTestClient publisher = greeted("publisher")) {
      subscribe(good, channel);
      subscribe(bad, channel);
      bad.sendText("not json at all");
      bad.sendText("{\"type\":\"publish\"}");
      expectError(bad, ErrorCode.BAD_JSON);
      expectError(bad, ErrorCode.MISSING_FIELD);
      publish(publisher, channel, "ok", 1);
      assertThat(good.expect(ServerFrame.Message.class).seq()).isEqualTo(1);
      assertThat(bad.expect(ServerFrame.Message.class).seq()).isEqualTo(1);
    }
  }
}
