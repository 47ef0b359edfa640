package io.parley.server.transport.compression;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.testing.RawWebSocket;
import io.parley.server.transport.WebSocketDeflateCounter;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * With {@code realtime.websocket-compression} on, messages of at least 1024 bytes reach the clients
 * that negotiated permessage-deflate as RSV1 frames that inflate to the message, are deflated once
 * however many subscribers there are, and reach the others plain; smaller messages go out plain to
 * everyone. Frames are read off the socket by {@link RawWebSocket}.
 */
@QuarkusTest
@TestProfile(WebSocketCompressionProfile.class)
class WebSocketCompressionIT {
  private static final FrameCodec CODEC = FrameCodec.withMaxFrameBytes(1 << 20);
  private static final AtomicInteger CHANNELS = new AtomicInteger();
  private static final String LARGE = "{\"rows\":[" + "{\"id\":1,\"name\":\"row\"},".repeat(200);

  @TestHTTPResource("/")
  URL base;

  private static String freshChannel() {
    return "deflate-it:" + CHANNELS.incrementAndGet();
  }

  private static void publish(String channel, String data) {
    given()
        .contentType("application/json")
        .body(Map.of("channel", channel, "event", "e", "data", data))
        .post("/realtime/publish")
        .then()
        .statusCode(200);
  }

  private RawWebSocket subscribedNative(String channel, boolean offerDeflate) throws Exception {
    RawWebSocket ws = RawWebSocket.open(base.toString(), "/ws", offerDeflate);
    ws.send(CODEC.encode(new ClientFrame.Hello(null, "c-" + CHANNELS.incrementAndGet())));
    assertThat(CODEC.decodeServer(ws.receive().text())).isInstanceOf(ServerFrame.Welcome.class);
    ws.send(CODEC.encode(new ClientFrame.Subscribe("s", channel, null)));
    assertThat(CODEC.decodeServer(ws.receive().text())).isInstanceOf(ServerFrame.Subscribed.class);
    return ws;
  }

  private static ServerFrame.Message message(RawWebSocket.Message received) {
    return (ServerFrame.Message) CODEC.decodeServer(received.text());
  }

  @Test
  void theHandshakeAcceptsPermessageDeflateOnlyWhenOffered() throws Exception {
    try (RawWebSocket offered = RawWebSocket.open(base.toString(), "/ws", true);
        RawWebSocket plain = RawWebSocket.open(base.toString(), "/ws", false)) {
      assertThat(offered.extensions()).startsWith("permessage-deflate");
      assertThat(plain.extensions()).isNull();
    }
  }

  @Test
  void aLargeMessageIsDeflatedOnceForAllSubscribersAndInflatesToTheMessage() throws Exception {
    String channel = freshChannel();
    List<RawWebSocket> deflating = new ArrayList<>();
    try (RawWebSocket plain = subscribedNative(channel, false)) {
      for (int i = 0; i < 5; i++) {
        deflating.add(subscribedNative(channel, true));
      }
      long before = WebSocketDeflateCounter.deflated();

      publish(channel, LARGE);

      RawWebSocket.Message uncompressed = plain.receive();
      assertThat(uncompressed.compressed()).isFalse();
      assertThat(message(uncompressed).data().asText()).isEqualTo(LARGE);
      for (RawWebSocket ws : deflating) {
        RawWebSocket.Message received = ws.receive();
        assertThat(received.compressed()).isTrue();
        assertThat(received.text()).isEqualTo(uncompressed.text());
        assertThat(received.wireBytes()).isLessThan(uncompressed.wireBytes() / 4);
      }
      assertThat(WebSocketDeflateCounter.deflated() - before).isEqualTo(1);
    } finally {
      for (RawWebSocket ws : deflating) {
        ws.close();
      }
    }
  }

  @Test
  void consecutiveMessagesInflateWithTheClientKeepingItsContext() throws Exception {
    String channel = freshChannel();
    try (RawWebSocket ws = subscribedNative(channel, true)) {
      for (int i = 0; i < 3; i++) {
        publish(channel, LARGE + i);
        RawWebSocket.Message received = ws.receive();
        assertThat(received.compressed()).isTrue();
        assertThat(message(received).data().asText()).isEqualTo(LARGE + i);
      }
    }
  }

  @Test
  void aSmallMessageGoesOutPlainEvenToADeflatingClient() throws Exception {
    String channel = freshChannel();
    try (RawWebSocket ws = subscribedNative(channel, true)) {
      long before = WebSocketDeflateCounter.deflated();
      publish(channel, "x".repeat(64));

      RawWebSocket.Message received = ws.receive();
      assertThat(received.compressed()).isFalse();
      assertThat(message(received).data().asText()).isEqualTo("x".repeat(64));
      assertThat(WebSocketDeflateCounter.deflated()).isEqualTo(before);
    }
  }

  @Test
  void socketIoOverWebSocketIsDeflatedToo() throws Exception {
    String channel = freshChannel();
    try (RawWebSocket ws =
            RawWebSocket.open(base.toString(), "/socket.io/?EIO=4&transport=websocket", true);
        RawWebSocket plain =
            RawWebSocket.open(base.toString(), "/socket.io/?EIO=4&transport=websocket", false)) {
      for (RawWebSocket socket : List.of(ws, plain)) {
        assertThat(socket.receive().text()).startsWith("0{");
        socket.send("40");
        assertThat(socket.receive().text()).startsWith("40{");
        socket.send("421[\"subscribe\",{\"channel\":\"" + channel + "\"}]");
        assertThat(socket.receive().text()).startsWith("431[");
      }

      publish(channel, LARGE);

      RawWebSocket.Message received = ws.receive();
      RawWebSocket.Message uncompressed = plain.receive();
      assertThat(received.compressed()).isTrue();
      assertThat(uncompressed.compressed()).isFalse();
      assertThat(uncompressed.text()).startsWith("42[\"message\",").contains(channel);
      assertThat(uncompressed.wireBytes()).isGreaterThan(LARGE.length());
      assertThat(received.text()).isEqualTo(uncompressed.text());
      assertThat(received.wireBytes()).isLessThan(uncompressed.wireBytes() / 4);
    }
  }
}
