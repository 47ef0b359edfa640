package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.transport.socketio.binding.SocketIoRoutes;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO v5 packets over raw long-polling: CONNECT, namespaces, acks, binary, and every bad
 * input of issue 3 (one test each): the reference server's answer or a clean close, and never an
 * effect on another session.
 */
@QuarkusTest
class SocketIoProtocolIT {
  @Inject SocketIoNamespaces namespaces;

  private final RawEngineClient client = new RawEngineClient(SocketIoRoutes.PATH);
  private final RawEngineClient bystander = new RawEngineClient(SocketIoRoutes.PATH);

  @BeforeEach
  void handlers() {
    TestHandlers.install(namespaces);
    bystander.handshake();
    bystander.push("40");
    assertThat(bystander.pollUntilData()).startsWith("40{\"sid\":");
  }

  @Test
  void connectIsAnsweredWithTheSocketId() {
    client.handshake();

    client.push("40");

    String reply = client.pollUntilData();
    assertThat(reply).matches("40\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}");
  }

  @Test
  void connectAcceptsAnAuthPayloadWithAClientId() {
    client.handshake();

    client.push("40{\"clientId\":\"client-1\"}");

    assertThat(client.pollUntilData()).startsWith("40{\"sid\":");
  }

  @Test
  void connectWithABadClientIdIsRefusedWithConnectError() {
    client.handshake();

    client.push("40{\"clientId\":42}");

    assertThat(client.pollUntilData())
        .startsWith("44{\"message\":\"auth: clientId must be a string")
        .contains("\"data\":{\"code\":\"INVALID_FIELD\"")
        .contains("\"field\":\"clientId\"");
  }

  @Test
  void unknownNamespaceIsRefusedAndTheConnectionKept() {
    client.handshake();

    client.push("40/nowhere,");

    assertThat(client.pollUntilData()).isEqualTo("44/nowhere,{\"message\":\"Invalid namespace\"}");
    client.push("40");
    assertThat(client.pollUntilData()).startsWith("40{\"sid\":");
  }

  @Test
  void namespacesAreMultiplexedWithOrWithoutTrailingComma() {
    client.handshake();

    client.push("40/room,", "40");

    List<String> replies = client.collect(2);
    assertThat(replies.get(0)).startsWith("40/room,{\"sid\":");
    assertThat(replies.get(1)).startsWith("40{\"sid\":");
    client.push("41/room,", "40/room");
    assertThat(client.pollUntilData()).startsWith("40/room,{\"sid\":");
  }

  @Test
  void acksKeepKeyOrderAndIntegerTypes() {
    connected();

    client.push("421[\"echo\",{\"z\":1,\"a\":9007199254740993,\"f\":0.5,\"l\":[true,null]}]");

    assertThat(client.pollUntilData())
        .isEqualTo("431[{\"z\":1,\"a\":9007199254740993,\"f\":0.5,\"l\":[true,null]}]");
  }

  @Test
  void eventsWithoutAHandlerAreIgnored() {
    connected();

    client.push("425[\"nobody-listens\",1]", "426[\"echo\",2]");

    assertThat(client.pollUntilData()).isEqualTo("436[2]");
  }

  @Test
  void disconnectLeavesTheNamespaceAndKeepsTheConnection() {
    connected();

    client.push("41", "40");

    assertThat(client.pollUntilData()).startsWith("40{\"sid\":");
  }

  @Test
  void everyDisconnectListenerRunsInOrderEvenAfterOneFails() {
    BlockingQueue<String> ran = new LinkedBlockingQueue<>();
    namespaces
        .of("/listeners")
        .onConnected(
            socket -> {
              socket.onDisconnect(reason -> ran.add("first: " + reason));
              socket.onDisconnect(
                  reason -> {
                    throw new IllegalStateException("a failing disconnect listener");
                  });
              socket.onDisconnect(reason -> ran.add("third: " + reason));
            });
    client.handshake();
    client.push("40/listeners,");
    assertThat(client.pollUntilData()).startsWith("40/listeners,{\"sid\":");

    client.push("41/listeners,");

    Awaitility.await().atMost(RawEngineClient.WAIT).until(() -> ran.size() == 2);
    assertThat(ran)
        .containsExactly(
            "first: client namespace disconnect", "third: client namespace disconnect");
  }

  // ------------------------------------------------------------------ bad input, one per case

  @Test
  void eventBeforeConnectClosesTheConnection() {
    client.handshake();

    client.push("42[\"echo\",1]");

    assertClosed();
  }

  @Test
  void unknownPacketTypeClosesTheConnection() {
    connected();

    client.push("49[\"x\"]");

    assertClosed();
  }

  @Test
  void emptyMessageClosesTheConnection() {
    connected();

    client.push("4");

    assertClosed();
  }

  @Test
  void nonArrayEventPayloadClosesTheConnection() {
    connected();

    client.push("42{\"event\":\"echo\"}");

    assertClosed();
  }

  @Test
  void nonNumericAckIdClosesTheConnection() {
    connected();

    client.push("43abc[\"x\"]");

    assertClosed();
  }

  @Test
  void garbageJsonClosesTheConnection() {
    connected();

    client.push("42[\"echo\",");

    assertClosed();
  }

  @Test
  void textWhereAnAttachmentIsExpectedClosesTheConnection() {
    connected();

    client.push("451-[\"echo\",{\"_placeholder\":true,\"num\":0}]", "42[\"echo\",1]");

    assertClosed();
  }

  @Test
  void placeholderBeyondTheAttachmentCountClosesTheConnection() {
    connected();

    client.push("451-[\"echo\",{\"_placeholder\":true,\"num\":1}]", "bAQ==");

    assertClosed();
  }

  @Test
  void attachmentWithoutABinaryPacketClosesTheConnection() {
    connected();

    client.push("bAQIDBA==");

    assertClosed();
  }

  @Test
  void ackForAnUnknownIdIsIgnored() {
    connected();

    client.push("4399[\"late\"]", "427[\"echo\",\"alive\"]");

    assertThat(client.pollUntilData()).isEqualTo("437[\"alive\"]");
  }

  @Test
  void secondConnectToTheSameNamespaceClosesTheConnection() {
    connected();

    client.push("40");

    assertClosed();
  }

  @Test
  void connectErrorFromTheClientClosesTheConnection() {
    connected();

    client.push("44{\"message\":\"no\"}");

    assertClosed();
  }

  private void connected() {
    client.handshake();
    client.push("40");
    assertThat(client.pollUntilData()).startsWith("40{\"sid\":");
  }

  /** The server closed the Engine.IO session cleanly, and the bystander session lives on. */
  private void assertClosed() {
    List<String> last = client.poll();
    assertThat(last).last().isEqualTo("1");
    EngineIoProtocolIT.assertError(client.get(client.query()), 1, "Session ID unknown");
    bystander.push("428[\"echo\",\"bystander\"]");
    assertThat(bystander.pollUntilData()).isEqualTo("438[\"bystander\"]");
  }
}
