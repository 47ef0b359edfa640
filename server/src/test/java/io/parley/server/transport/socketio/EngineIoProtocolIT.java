package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Engine.IO v4 over raw HTTP and WebSocket on {@code /socket.io/}, byte for byte. */
@QuarkusTest
class EngineIoProtocolIT {
  private static final String CONNECTED = "40{\"sid\":\"";

  @Inject SocketIoNamespaces namespaces;
  @Inject SocketIoRoutes routes;

  private final RawEngineClient client = new RawEngineClient(SocketIoRoutes.PATH);

  @BeforeEach
  void handlers() {
    TestHandlers.install(namespaces);
  }

  @Test
  void handshakeAnnouncesExactlyTheReferenceKeys() {
    HttpResponse<String> response = client.get("EIO=4&transport=polling&t=abc");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=UTF-8");
    JsonNode open = SocketJson.parse(response.body().substring(1));
    List<String> keys = new ArrayList<>();
    open.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    assertThat(open.get("sid").asText()).hasSize(20);
    assertThat(open.get("upgrades").toString()).isEqualTo("[\"websocket\"]");
    assertThat(open.get("pingInterval").asLong()).isEqualTo(25_000);
    assertThat(open.get("pingTimeout").asLong()).isEqualTo(20_000);
    assertThat(open.get("maxPayload").asLong()).isEqualTo(1_000_000);
  }

  @Test
  void batchesPacketsBothWaysWithTheRecordSeparator() {
    client.handshake();

    client.push("40", "42[\"echo\",1]", "42[\"echo\",{\"b\":2,\"a\":1}]");

    List<String> packets = collect(3);
    assertThat(packets.get(0)).startsWith(CONNECTED);
    assertThat(packets.subList(1, 3))
        .containsExactly("42[\"echo-back\",1]", "42[\"echo-back\",{\"b\":2,\"a\":1}]");
  }

  @Test
  void carriesBinaryAsBase64OverPolling() {
    client.handshake();
    client.push("40");
    assertThat(client.pollUntilData()).startsWith(CONNECTED);

    client.push("451-7[\"echo\",{\"_placeholder\":true,\"num\":0}]", "bAQIDBA==");

    assertThat(collect(2)).containsExactly("461-7[{\"_placeholder\":true,\"num\":0}]", "bAQIDBA==");
  }

  @Test
  void refusesAnUnknownTransportWithCode0() {
    assertError(client.get("EIO=4&transport=carrier-pigeon"), 0, "Transport unknown");
    assertError(client.get("EIO=4"), 0, "Transport unknown");
  }

  @Test
  void refusesAnUnknownSidWithCode1() {
    assertError(client.get("EIO=4&transport=polling&sid=nope"), 1, "Session ID unknown");
  }

  @Test
  void refusesAHandshakeThatIsNotAGetWithCode2() {
    assertError(client.post("EIO=4&transport=polling", "40"), 2, "Bad handshake method");
  }

  @Test
  void refusesAWebsocketHandshakeWithoutUpgradeWithCode3() {
    assertError(client.get("EIO=4&transport=websocket"), 3, "Bad request");
  }

  @Test
  void refusesOtherProtocolVersionsWithCode5() {
    assertError(client.get("EIO=3&transport=polling"), 5, "Unsupported protocol version");
    assertError(client.get("transport=polling"), 5, "Unsupported protocol version");
  }

  @Test
  void concurrentGetsEndTheSession() {
    client.handshake();
    CompletableFuture<HttpResponse<String>> first = client.getAsync(client.query());
    CompletableFuture<HttpResponse<String>> second = client.getAsync(client.query());

    List<HttpResponse<String>> both = List.of(first.join(), second.join());

    assertThat(both).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 400);
    assertThat(both)
        .filteredOn(r -> r.statusCode() == 200)
        .extracting(HttpResponse::body)
        .containsExactly("1");
    assertError(client.get(client.query()), 1, "Session ID unknown");
  }

  @Test
  void clientClosePacketReleasesThePendingGetWithNoop() {
    client.handshake();
    CompletableFuture<HttpResponse<String>> pending = client.getAsync(client.query());
    awaitPendingGet();

    client.push("1");

    assertThat(pending.join().body()).isEqualTo("6");
    assertError(client.get(client.query()), 1, "Session ID unknown");
  }

  @Test
  void malformedPayloadClosesTheSession() {
    client.handshake();

    HttpResponse<String> response = client.post(client.query(), "abc");

    assertThat(response.statusCode()).isEqualTo(400);
    assertError(client.get(client.query()), 1, "Session ID unknown");
  }

  @Test
  void oversizePostIsRefusedWith413() {
    client.handshake();

    HttpResponse<String> response = client.post(client.query(), "4" + "x".repeat(1_000_000));

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void upgradesFromPollingToWebsocketWithProbe() {
    client.handshake();
    client.push("40");
    assertThat(client.pollUntilData()).startsWith(CONNECTED);
    CompletableFuture<HttpResponse<String>> pending = client.getAsync(client.query());
    awaitPendingGet();

    RawEngineClient.Frames ws = client.websocket("EIO=4&transport=websocket&sid=" + client.sid);
    ws.send("2probe");
    assertThat(ws.nextText()).isEqualTo("3probe");
    assertThat(pending.join().body()).isEqualTo("6");
    ws.send("5");
    ws.send("42[\"echo\",\"over ws\"]");

    assertThat(ws.nextText()).isEqualTo("42[\"echo-back\",\"over ws\"]");
    assertError(client.get(client.query()), 3, "Bad request");
    RawEngineClient.Frames second = client.websocket("EIO=4&transport=websocket&sid=" + client.sid);
    assertThat(second.awaitClose()).isNotZero();
    ws.send("42[\"echo\",\"still\"]");
    assertThat(ws.nextText()).isEqualTo("42[\"echo-back\",\"still\"]");
  }

  @Test
  void answersAGetArrivingDuringTheUpgradeWithNoop() {
    client.handshake();
    RawEngineClient.Frames ws = client.websocket("EIO=4&transport=websocket&sid=" + client.sid);
    ws.send("2probe");
    assertThat(ws.nextText()).isEqualTo("3probe");

    assertThat(client.get(client.query()).body()).isEqualTo("6");
  }

  @Test
  void websocketOnlySessionCarriesBinaryFrames() {
    RawEngineClient.Frames ws = client.websocket("EIO=4&transport=websocket");
    String open = ws.nextText();
    assertThat(open).startsWith("0{\"sid\":").contains("\"upgrades\":[]");
    ws.send("40");
    assertThat(ws.nextText()).startsWith(CONNECTED);

    ws.send("451-3[\"echo\",{\"_placeholder\":true,\"num\":0}]");
    ws.sendBinary(new byte[] {1, 2, 3});

    assertThat(ws.nextText()).isEqualTo("461-3[{\"_placeholder\":true,\"num\":0}]");
    assertThat((byte[]) ws.next(true)).containsExactly(1, 2, 3);
  }

  @Test
  void websocketMessageOverMaxPayloadClosesWith1009() {
    RawEngineClient.Frames ws = client.websocket("EIO=4&transport=websocket");
    ws.nextText();

    ws.send("4" + "x".repeat(1_000_000));

    assertThat(ws.awaitClose()).isEqualTo(1009);
  }

  @Test
  void websocketClosePacketEndsTheSession() {
    RawEngineClient.Frames ws = client.websocket("EIO=4&transport=websocket");
    String sid = SocketJson.parse(ws.nextText().substring(1)).get("sid").asText();

    ws.send("1");

    assertThat(ws.awaitClose()).isNotNegative();
    assertError(client.get("EIO=4&transport=websocket&sid=" + sid), 1, "Session ID unknown");
  }

  @Test
  void corsEchoesAnAllowedOriginWithCredentials() {
    HttpResponse<String> allowed =
        client.send(
            HttpRequest.newBuilder(
                    RawEngineClient.uri(SocketIoRoutes.PATH, "EIO=4&transport=polling"))
                .header("Origin", "https://app.example")
                .GET()
                .build());
    HttpResponse<String> other =
        client.send(
            HttpRequest.newBuilder(
                    RawEngineClient.uri(SocketIoRoutes.PATH, "EIO=4&transport=polling"))
                .header("Origin", "https://evil.example")
                .GET()
                .build());

    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example");
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void corsAnswersAPreflight() {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    RawEngineClient.uri(SocketIoRoutes.PATH, "EIO=4&transport=polling"))
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build());

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValue("GET,HEAD,PUT,PATCH,POST,DELETE");
    assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValue("content-type");
  }

  private List<String> collect(int count) {
    return client.collect(count);
  }

  /** Waits until the server holds the GET just sent: request order is not arrival order. */
  private void awaitPendingGet() {
    Awaitility.await().atMost(RawEngineClient.WAIT).until(() -> routes.hasPendingGet(client.sid));
  }

  static void assertError(HttpResponse<String> response, int code, String message) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body())
        .isEqualTo("{\"code\":" + code + ",\"message\":\"" + message + "\"}");
  }
}
