package io.parley.server.limits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.TestTokens;
import io.parley.server.testing.WsTestClient;
import io.parley.server.transport.websocket.NativeWebSocketEndpoint;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The limits below the session level with {@link LimitsProfile}'s one-second header and hello
 * timeouts: half-sent requests and WebSockets that never say {@code hello} are closed in time and
 * counted, while greeted clients and long-polls live on.
 */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class ConnectionTimeoutsIT {
  /** Half-sent requests and never-greeting WebSockets, each. */
  private static final int EACH = 1_000;

  /** How late a close may come past its timeout on a loaded two-core machine. */
  private static final Duration SLACK = Duration.ofSeconds(4);

  private static final Duration WAIT = Duration.ofSeconds(25);

  @TestHTTPResource("/")
  URL base;

  @Inject NativeWebSocketEndpoint endpoint;

  @Test
  void twoThousandHalfSentRequestsAndSilentWebSocketsAreClosedInTimeWhileASubscriberLosesNothing()
      throws Exception {
    long openFiles =
        ((com.sun.management.UnixOperatingSystemMXBean)
                ManagementFactory.getOperatingSystemMXBean())
            .getMaxFileDescriptorCount();
    assertThat(openFiles)
        .as("open-file limit of the test JVM: both ends of %d sockets live in it", 2 * EACH)
        .isGreaterThan(4L * EACH + 1_000);
    long helloTimeoutsBefore = endpoint.helloTimeouts();
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", base.getPort());

    try (WsTestClient subscriber = WsTestClient.greeted(base.toString(), "flood-subscriber");
        Probes probes = new Probes()) {
      subscriber.send(new ClientFrame.Subscribe("s", "flood:watch", null));
      subscriber.expect(ServerFrame.Subscribed.class);

      String publisher = TestTokens.publisher();
      int published = 0;
      for (int i = 0; i < EACH; i++) {
        probes.open(server, halfRequest(), false);
        probes.open(server, upgrade(i), true);
        if (i % 50 == 0) {
          publish(publisher, published++);
        }
      }
      Awaitility.await().atMost(WAIT).until(probes::allClosed);
      publish(publisher, published++);

      for (Probe probe : probes.all) {
        Duration timeout =
            Duration.ofSeconds(
                probe.webSocket
                    ? LimitsProfile.HELLO_TIMEOUT_SECONDS
                    : LimitsProfile.HEADER_TIMEOUT_SECONDS);
        Duration open = Duration.ofNanos(probe.closedNanos - probe.sentNanos);
        assertThat(open).as("%s", probe).isBetween(timeout.minusMillis(50), timeout.plus(SLACK));
        if (probe.webSocket) {
          assertThat(probe.received()).as("%s", probe).startsWith("HTTP/1.1 101");
        }
      }
      assertThat(endpoint.helloTimeouts() - helloTimeoutsBefore).isEqualTo(EACH);

      for (int i = 0; i < published; i++) {
        ServerFrame.Message message = subscriber.expect(ServerFrame.Message.class);
        assertThat(message.data()).isEqualTo(IntNode.valueOf(i));
      }
      subscriber.send(new ClientFrame.Subscribe("again", "flood:after", null));
      subscriber.expect(ServerFrame.Subscribed.class);
    }
  }

  @Test
  void aWebSocketThatNeverSaysHelloGetsHelloRequiredAndClose1008() {
    try (WsTestClient silent = WsTestClient.connect(base.toString())) {
      ServerFrame.Error error = silent.expect(ServerFrame.Error.class);
      assertThat(error.code()).isEqualTo(ErrorCode.HELLO_REQUIRED);
      assertThat(error.message()).contains("no hello within 1000 ms");
      assertThat(silent.awaitClose()).isEqualTo(1008);
    }
  }

  @Test
  void aLongPollLongerThanTheHeaderTimeoutIsAnswered() {
    long waitMs = 3_000 * LimitsProfile.HEADER_TIMEOUT_SECONDS;
    long started = System.nanoTime();
    given()
        .contentType("application/json")
        .body(
            "{\"clientId\":\"long\",\"subscriptions\":{\"quiet:poll\":null},\"waitMs\":"
                + waitMs
                + "}")
        .post("/realtime/poll")
        .then()
        .statusCode(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(2));
  }

  @Test
  void aGreetedClientOutlivesTheHelloAndHeaderTimeouts() {
    try (WsTestClient client = WsTestClient.greeted(base.toString(), "idle")) {
      assertThat(client.closesWithin(Duration.ofSeconds(3L * LimitsProfile.HELLO_TIMEOUT_SECONDS)))
          .isFalse();
      client.send(new ClientFrame.Subscribe("s", "idle:still", null));
      client.expect(ServerFrame.Subscribed.class);
    }
  }

  private static void publish(String token, int n) {
    given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body("{\"channel\":\"flood:watch\",\"event\":\"e\",\"data\":" + n + "}")
        .post("/realtime/publish")
        .then()
        .statusCode(200);
  }

  /** A request cut off in its headers: no blank line ever comes. */
  private static byte[] halfRequest() {
    return ("POST /realtime/poll HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: applica")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A complete WebSocket upgrade to {@code /ws}; no frame follows it. */
  private static byte[] upgrade(int i) {
    String key =
        java.util.Base64.getEncoder()
            .encodeToString(
                String.format("parley-key-%05d", i).getBytes(StandardCharsets.US_ASCII));
    return ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + key
            + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** One raw socket: when its bytes were sent, what came back, when the server closed it. */
  private static final class Probe {
    final SocketChannel channel;
    final boolean webSocket;
    final long sentNanos;
    final ByteArrayOutputStream in = new ByteArrayOutputStream();
    volatile long closedNanos;

    Probe(SocketChannel channel, boolean webSocket, long sentNanos) {
      this.channel = channel;
      this.webSocket = webSocket;
      this.sentNanos = sentNanos;
    }

    String received() {
      return in.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether the server ended the connection: end of stream or a reset, or on a WebSocket its
     * close frame (the server waits for the answering close before it drops TCP).
     */
    boolean serverClosed(boolean endOfStream) {
      if (endOfStream) {
        return true;
      }
      if (!webSocket) {
        return false;
      }
      byte[] bytes = in.toByteArray();
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int at = text.indexOf("\r\n\r\n");
      if (at < 0) {
        return false;
      }
      // Server frames are unmasked; these are short, with 7-bit or 16-bit lengths.
      int i = at + 4;
      while (i + 1 < bytes.length) {
        if ((bytes[i] & 0x0f) == 0x8) {
          return true;
        }
        int length = bytes[i + 1] & 0x7f;
        int header = 2;
        if (length == 126) {
          if (i + 3 >= bytes.length) {
            return false;
          }
          length = ((bytes[i + 2] & 0xff) << 8) | (bytes[i + 3] & 0xff);
          header = 4;
        }
        i += header + length;
      }
      return false;
    }

    @Override
    public String toString() {
      return (webSocket ? "never-greeting WebSocket" : "half-sent request")
          + " closed "
          + Duration.ofNanos(closedNanos - sentNanos).toMillis()
          + " ms after it was sent, having received: "
          + received().lines().findFirst().orElse("nothing");
    }
  }

  /** Raw sockets watched by one reader thread that notes when each is closed. */
  private static final class Probes implements AutoCloseable {
    final List<Probe> all = new ArrayList<>();
    private final ConcurrentLinkedQueue<Probe> pending = new ConcurrentLinkedQueue<>();
    private final Selector selector;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    Probes() throws IOException {
      selector = Selector.open();
      reader = new Thread(this::read, "probe-reader");
      reader.start();
    }

    void open(InetSocketAddress server, byte[] bytes, boolean webSocket) throws IOException {
      SocketChannel channel = SocketChannel.open(server);
      channel.write(ByteBuffer.wrap(bytes));
      Probe probe = new Probe(channel, webSocket, System.nanoTime());
      channel.configureBlocking(false);
      all.add(probe);
      pending.add(probe);
      selector.wakeup();
    }

    boolean allClosed() {
      return all.stream().allMatch(p -> p.closedNanos != 0);
    }

    private void read() {
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      try {
        while (running.get()) {
          for (Probe probe; (probe = pending.poll()) != null; ) {
            probe.channel.register(selector, SelectionKey.OP_READ, probe);
          }
          selector.select(100);
          Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
          while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            Probe probe = (Probe) key.attachment();
            buffer.clear();
            int read;
            try {
              read = probe.channel.read(buffer);
            } catch (IOException reset) {
              read = -1;
            }
            if (read > 0) {
              probe.in.write(buffer.array(), 0, read);
            }
            if (probe.serverClosed(read < 0)) {
              probe.closedNanos = System.nanoTime();
              key.cancel();
              probe.channel.close();
            }
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws Exception {
      running.set(false);
      selector.wakeup();
      reader.join(10_000);
      for (Probe probe : all) {
        probe.channel.close();
      }
      selector.close();
    }
  }
}
