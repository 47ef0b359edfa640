package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat cases of the official Engine.IO protocol suite, replayed byte for byte against the
 * conformance profile (ping interval 300 ms, ping timeout 200 ms, Socket.IO connect timeout 1 s),
 * each HTTP request on a new TCP connection as {@code fetch} sends them. They fail when a ping or a
 * timeout is late by more than a few milliseconds: three ping cycles must fit before the connect
 * timeout closes a session that never joined a namespace.
 */
@QuarkusTest
@TestProfile(ConformanceProfile.class)
class HeartbeatTimingIT {
  private static final String POLLING = "EIO=4&transport=polling";

  /** Read here, on the test's thread: the delayed request runs where Quarkus' config is not. */
  private final int port = RawEngineClient.port();

  @Test
  void pollingOnFreshConnectionsGetsAPingEveryIntervalBeforeTheConnectTimeout() {
    String sid = handshake(SocketIoRoutes.PATH);

    for (int i = 0; i < 3; i++) {
      Response ping = request("GET", SocketIoRoutes.PATH, POLLING + "&sid=" + sid, null);
      assertThat(ping.status()).as("ping %d", i + 1).isEqualTo(200);
      assertThat(ping.body()).as("ping %d", i + 1).isEqualTo("2");
      Response pong = request("POST", SocketIoRoutes.PATH, POLLING + "&sid=" + sid, "3");
      assertThat(pong.status()).isEqualTo(200);
      assertThat(pong.body()).isEqualTo("ok");
    }
  }

  @Test
  void websocketGetsAPingEveryIntervalBeforeTheConnectTimeout() {
    RawEngineClient.Frames ws =
        new RawEngineClient(SocketIoRoutes.PATH).websocket("EIO=4&transport=websocket");
    assertThat(ws.nextText()).startsWith("0{");

    for (int i = 0; i < 3; i++) {
      assertThat(ws.next(false)).as("ping %d", i + 1).isEqualTo("2");
      ws.send("3");
    }
    // The connect timeout (1 s) comes after the third ping (900 ms), then closes the session.
    assertThat(ws.awaitClose()).isNotNegative();
  }

  @Test
  void aSessionThatNeverAnswersIsGoneAtPingIntervalPlusPingTimeout() {
    String sid = handshake(SocketIoRoutes.ENGINE_PATH);

    // The suite's own wait: exactly ping interval + ping timeout after the handshake.
    Response poll =
        CompletableFuture.supplyAsync(
                () -> request("GET", SocketIoRoutes.ENGINE_PATH, POLLING + "&sid=" + sid, null),
                CompletableFuture.delayedExecutor(300 + 200, TimeUnit.MILLISECONDS))
            .orTimeout(10, TimeUnit.SECONDS)
            .join();

    assertThat(poll.status()).as(poll.body()).isEqualTo(400);
    assertThat(poll.body()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
  }

  private String handshake(String path) {
    Response open = request("GET", path, POLLING, null);
    assertThat(open.status()).isEqualTo(200);
    assertThat(open.body()).startsWith("0{\"sid\":\"");
    int start = "0{\"sid\":\"".length();
    return open.body().substring(start, open.body().indexOf('"', start));
  }

  record Response(int status, String body) {}

  /** One HTTP/1.1 request on a new connection, closed by the server after its answer. */
  private Response request(String method, String path, String query, String body) {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append('?').append(query).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1:").append(port).append("\r\n");
    head.append("Connection: close\r\n");
    if (body != null) {
      head.append("Content-Type: text/plain;charset=UTF-8\r\n");
      head.append("Content-Length: ").append(content.length).append("\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(content);
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    assertThat(headEnd).as("a complete response head: %s", text).isPositive();
    String head = text.substring(0, headEnd);
    int status = Integer.parseInt(head.substring(9, 12));
    byte[] rest = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    boolean chunked =
        head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked");
    byte[] body = chunked ? dechunk(new java.io.ByteArrayInputStream(rest)) : rest;
    return new Response(status, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      StringBuilder size = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          return body.toByteArray();
        }
        if (c != '\r') {
          size.append((char) c);
        }
      }
      int length = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
      if (length == 0) {
        return body.toByteArray();
      }
      body.write(in.readNBytes(length));
      in.readNBytes(2);
    }
  }
}
