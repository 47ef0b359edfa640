package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The conformance profile ({@code -Dquarkus.profile=conformance}): what the official protocol test
 * suites expect of a server under test, and the heartbeat deadlines at its short timings.
 */
@QuarkusTest
@TestProfile(ConformanceProfile.class)
class ConformanceModeIT {
  @Inject SocketIoRoutes routes;

  private final RawEngineClient engine = new RawEngineClient(SocketIoRoutes.ENGINE_PATH);
  private final RawEngineClient socketIo = new RawEngineClient(SocketIoRoutes.PATH);

  @Test
  void handshakeAnnouncesTheConformanceTimings() {
    JsonNode open = engine.handshake();

    assertThat(open.get("pingInterval").asInt()).isEqualTo(300);
    assertThat(open.get("pingTimeout").asInt()).isEqualTo(200);
    assertThat(open.get("maxPayload").asInt()).isEqualTo(1_000_000);
  }

  @Test
  void pollingSessionPingsAndStaysOpenWhileAnswered() {
    engine.handshake();

    for (int i = 0; i < 3; i++) {
      assertThat(engine.poll()).containsExactly("2");
      engine.push("3");
    }
  }

  @Test
  void pollingSessionWithoutPongIsClosedEvenWithNoPendingGet() {
    socketIo.handshake();

    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !routes.hasSession(socketIo.sid));
    EngineIoProtocolIT.assertError(socketIo.get(socketIo.query()), 1, "Session ID unknown");
  }

  @Test
  void websocketSessionWithoutPongIsClosed() {
    RawEngineClient.Frames ws = engine.websocket("EIO=4&transport=websocket");
    assertThat(ws.nextText()).startsWith("0");

    assertThat(ws.next(false)).isEqualTo("2");
    assertThat(ws.awaitClose()).isNotNegative();
  }

  @Test
  void connectionWithoutNamespaceIsClosedAfterTheConnectTimeout() {
    socketIo.handshake();

    assertThat(socketIo.pollUntilData()).isEqualTo("1");
  }

  @Test
  void engineEndpointEchoesTextAndBinaryOverPolling() {
    engine.handshake();

    engine.push("4hello", "bAQIDBA==");

    assertThat(engine.collect(2)).containsExactly("4hello", "bAQIDBA==");
  }

  @Test
  void engineEndpointEchoesTextAndBinaryOverWebsocket() {
    RawEngineClient.Frames ws = engine.websocket("EIO=4&transport=websocket");
    ws.nextText();

    ws.send("4hello");
    ws.sendBinary(new byte[] {1, 2, 3, 4});

    assertThat(ws.nextText()).isEqualTo("4hello");
    assertThat((byte[]) ws.next(true)).containsExactly(1, 2, 3, 4);
  }

  @Test
  void rootNamespaceEmitsAuthAndEchoes() {
    RawEngineClient.Frames ws = socketIo.websocket("EIO=4&transport=websocket", true);
    assertThat(ws.nextText()).startsWith("0");

    ws.send("40{\"token\":\"123\"}");
    ws.send("42[\"message\",1,\"2\",{\"_\":3}]");

    assertThat(ws.nextText()).startsWith("40{\"sid\":");
    assertThat(ws.nextText()).isEqualTo("42[\"auth\",{\"token\":\"123\"}]");
    assertThat(ws.nextText()).isEqualTo("42[\"message-back\",1,\"2\",{\"_\":3}]");
    ws.send("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
    ws.sendBinary(new byte[] {1, 2, 3});
    assertThat(ws.nextText()).isEqualTo("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]");
    assertThat((byte[]) ws.next(false)).containsExactly(1, 2, 3);
    ws.send("424[\"message-with-ack\",1,{\"a\":[]}]");
    assertThat(ws.nextText()).isEqualTo("434[1,{\"a\":[]}]");
  }

  @Test
  void emitWithAckAsksTheClientAndEmitsItsAnswer() {
    RawEngineClient.Frames ws = socketIo.websocket("EIO=4&transport=websocket", true);
    ws.nextText();
    ws.send("40");
    ws.nextText();
    ws.nextText();
    String data = "{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},\"test\"";

    ws.send("42[\"emit-with-ack\",1,\"2\",{\"3\":[true]}]");
    assertThat(ws.nextText()).isEqualTo("421[\"emit-with-ack\",1,\"2\",{\"3\":[true]}]");
    ws.send("431[1,\"2\",{\"3\":[true]}]");
    assertThat(ws.nextText()).isEqualTo("42[\"emit-with-ack\",1,\"2\",{\"3\":[true]}]");

    ws.send("452-[\"emit-with-ack\"," + data + "]");
    ws.sendBinary(new byte[] {1, 2, 3});
    ws.sendBinary(new byte[] {4, 5, 6});
    assertThat(ws.nextText()).isEqualTo("452-2[\"emit-with-ack\"," + data + "]");
    assertThat((byte[]) ws.next(false)).containsExactly(1, 2, 3);
    assertThat((byte[]) ws.next(false)).containsExactly(4, 5, 6);
    ws.send("462-2[" + data + "]");
    ws.sendBinary(new byte[] {1, 2, 3});
    ws.sendBinary(new byte[] {4, 5, 6});
    assertThat(ws.nextText()).isEqualTo("452-[\"emit-with-ack\"," + data + "]");
    assertThat((byte[]) ws.next(false)).containsExactly(1, 2, 3);
    assertThat((byte[]) ws.next(false)).containsExactly(4, 5, 6);
  }

  @Test
  void leavingTheMainNamespaceKeepsTheConnectionAlive() {
    RawEngineClient.Frames ws = socketIo.websocket("EIO=4&transport=websocket");
    ws.nextText();
    ws.send("40");
    ws.nextText();
    ws.nextText();

    ws.send("41");

    assertThat(ws.next(false)).isEqualTo("2");
  }

  @Test
  void binaryIsEchoedAsBase64OverPolling() {
    socketIo.handshake();
    socketIo.push("40", "451-[\"message\",{\"_placeholder\":true,\"num\":0}]", "bAQID");

    List<String> packets = socketIo.collect(4);

    assertThat(packets.subList(2, 4))
        .containsExactly("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", "bAQID");
  }

  @Test
  void customNamespaceEmitsAnEmptyAuthObject() {
    socketIo.handshake();

    socketIo.push("40/custom,");

    List<String> packets = socketIo.collect(2);
    assertThat(packets.get(0)).startsWith("40/custom,{\"sid\":");
    assertThat(packets.get(1)).isEqualTo("42/custom,[\"auth\",{}]");
  }

  @Test
  void corsAllowsAnyOrigin() {
    HttpResponse<String> response =
        socketIo.send(
            HttpRequest.newBuilder(
                    RawEngineClient.uri(SocketIoRoutes.PATH, "EIO=4&transport=polling"))
                .header("Origin", "https://anywhere.example")
                .GET()
                .build());

    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
  }
}
