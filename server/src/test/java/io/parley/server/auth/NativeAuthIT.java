package io.parley.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.server.testing.SecureProfile;
import io.parley.server.testing.TestTokens;
import io.parley.server.testing.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tokens on {@code /ws}: where they go, every refusal's code, channel grants and refresh. */
@QuarkusTest
@TestProfile(SecureProfile.class)
class NativeAuthIT {
  @TestHTTPResource("/")
  URL base;

  @ParameterizedTest
  @MethodSource("io.parley.server.testing.TestTokens#refusals")
  void helloWithARefusedTokenGetsItsCodeAndTheConnectionIsClosed(String token, ErrorCode code) {
    try (WsTestClient client = WsTestClient.connect(base.toString())) {
      client.send(new ClientFrame.Hello(token, "c"));
      ServerFrame.Error error = client.expect(ServerFrame.Error.class);
      assertThat(error.code()).isEqualTo(code);
      assertThat(error.category()).isEqualTo(io.parley.protocol.ErrorCategory.AUTHENTICATION);
      assertThat(error.field()).isEqualTo("token");
      assertThat(client.awaitClose()).isEqualTo(1008);
    }
  }

  @Test
  void tokenMayComeInTheHelloTheAuthorizationHeaderOrTheQuery() {
    String token = TestTokens.grants("alice", List.of("jobs:*"), List.of());
    try (WsTestClient inHello = WsTestClient.connect(base.toString());
        WsTestClient inHeader = WsTestClient.connect(base.toString(), "ws", token);
        WsTestClient inQuery =
            WsTestClient.connect(base.toString(), "ws?access_token=" + token, null)) {
      inHello.send(new ClientFrame.Hello(token, "c1"));
      inHeader.send(new ClientFrame.Hello(null, "c2"));
      inQuery.send(new ClientFrame.Hello(null, "c3"));
      for (WsTestClient client : List.of(inHello, inHeader, inQuery)) {
        client.expect(ServerFrame.Welcome.class);
        client.send(new ClientFrame.Subscribe("s", "jobs:1", null));
        assertThat(client.expect(ServerFrame.Subscribed.class).channel()).isEqualTo("jobs:1");
      }
    }
  }

  @Test
  void aBadHeaderTokenIsRefusedEvenWhenTheHelloHasNone() {
    try (WsTestClient client =
        WsTestClient.connect(base.toString(), "ws", TestTokens.expired("alice"))) {
      client.send(new ClientFrame.Hello(null, "c"));
      assertThat(client.expect(ServerFrame.Error.class).code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
    }
  }

  @Test
  void channelsOutsideTheTokensGrantsAreForbiddenByName() {
    String token = TestTokens.grants("alice", List.of("jobs:*"), List.of("chat:room"));
    try (WsTestClient client = greeted(token)) {
      client.send(new ClientFrame.Subscribe("s1", "news:1", null));
      ServerFrame.Error subscribe = client.expect(ServerFrame.Error.class);
      assertThat(subscribe.code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(subscribe.id()).isEqualTo("s1");
      assertThat(subscribe.message()).contains("news:1");

      client.send(new ClientFrame.Publish("p1", "jobs:1", "e", IntNode.valueOf(1)));
      ServerFrame.Error publish = client.expect(ServerFrame.Error.class);
      assertThat(publish.code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(publish.id()).isEqualTo("p1");
      assertThat(publish.field()).isEqualTo("channel");

      client.send(new ClientFrame.Publish("p2", "chat:room", "e", IntNode.valueOf(2)));
      assertThat(client.expect(ServerFrame.Ack.class).seq()).isEqualTo(1);
    }
  }

  @Test
  void theSubjectsOwnUserChannelNeedsNoGrant() {
    try (WsTestClient client = greeted(TestTokens.grants("carol", List.of(), List.of()))) {
      client.send(new ClientFrame.Subscribe("s", "user:carol", null));
      assertThat(client.expect(ServerFrame.Error.class).code())
          .isEqualTo(ErrorCode.ALREADY_SUBSCRIBED); // joined automatically at hello
      client.send(new ClientFrame.Subscribe("s2", "user:dave", null));
      assertThat(client.expect(ServerFrame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void anExpiredTokenIsRefreshedInBandWithoutLosingAMessage() {
    String channel = "refresh:" + System.nanoTime();
    String shortLived =
        TestTokens.claims("erin")
            .claim("channels", List.of("refresh:*"))
            .expiresAt(Instant.now().plusSeconds(2))
            .sign();
    try (WsTestClient subscriber = greeted(shortLived);
        WsTestClient publisher = greeted(TestTokens.grants("pub", List.of(), List.of("*")))) {
      subscriber.send(new ClientFrame.Subscribe("s", channel, null));
      subscriber.expect(ServerFrame.Subscribed.class);
      publisher.send(new ClientFrame.Publish("before", channel, "e", IntNode.valueOf(1)));

      List<Long> seqs = new ArrayList<>();
      ServerFrame.Error ask = null;
      while (ask == null) {
        ServerFrame frame = subscriber.next();
        if (frame instanceof ServerFrame.Message message) {
          seqs.add(message.seq());
        } else if (frame instanceof ServerFrame.Error error) {
          assertThat(error.code()).isEqualTo(ErrorCode.TOKEN_REFRESH_REQUIRED);
          ask = error;
        }
      }
      assertThat(ask.retryable()).isTrue();
      publisher.send(new ClientFrame.Publish("during", channel, "e", IntNode.valueOf(2)));
      subscriber.send(
          new ClientFrame.Auth(TestTokens.grants("erin", List.of("refresh:*"), List.of())));
      publisher.send(new ClientFrame.Publish("after", channel, "e", IntNode.valueOf(3)));
      // Well past the grace period: the connection lives on and gets everything once, in order.
      publisher.send(new ClientFrame.Publish("later", channel, "e", IntNode.valueOf(4)));
      while (seqs.size() < 4) {
        ServerFrame frame = subscriber.next();
        if (frame instanceof ServerFrame.Message message) {
          seqs.add(message.seq());
        }
      }
      assertThat(seqs).containsExactly(1L, 2L, 3L, 4L);
      // Past the 1.5 s grace period the refreshed connection is still open.
      assertThat(subscriber.closesWithin(Duration.ofMillis(2_500))).isFalse();
      subscriber.send(new ClientFrame.Ping(7));
      assertThat(subscriber.expect(ServerFrame.Pong.class).ts()).isEqualTo(7);
    }
  }

  @Test
  void aConnectionWhoseTokenExpiresWithoutRefreshIsClosed() {
    // exp is in whole seconds, so "now + 1 s" may already be past by the time hello arrives.
    String shortLived = TestTokens.claims("frank").expiresAt(Instant.now().plusSeconds(2)).sign();
    try (WsTestClient client = greeted(shortLived)) {
      client.awaitFrame(ServerFrame.Error.class, e -> e.code() == ErrorCode.TOKEN_REFRESH_REQUIRED);
      ServerFrame.Error closing =
          client.awaitFrame(ServerFrame.Error.class, e -> e.code() == ErrorCode.TOKEN_EXPIRED);
      assertThat(closing.category()).isEqualTo(io.parley.protocol.ErrorCategory.AUTHENTICATION);
      assertThat(client.awaitClose()).isEqualTo(1008);
    }
  }

  @Test
  void aRefreshForAnotherSubjectClosesTheConnection() {
    try (WsTestClient client = greeted(TestTokens.grants("gina", List.of(), List.of()))) {
      client.send(new ClientFrame.Auth(TestTokens.grants("mallory", List.of("*"), List.of("*"))));
      ServerFrame.Error error = client.expect(ServerFrame.Error.class);
      assertThat(error.code()).isEqualTo(ErrorCode.TOKEN_INVALID);
      assertThat(client.awaitClose()).isEqualTo(1008);
    }
  }

  @Test
  void aRefreshThatDropsAGrantLeavesThatChannel() {
    try (WsTestClient client =
        greeted(TestTokens.grants("hank", List.of("a:*", "b:*"), List.of()))) {
      client.send(new ClientFrame.Subscribe("1", "a:1", null));
      client.expect(ServerFrame.Subscribed.class);
      client.send(new ClientFrame.Subscribe("2", "b:1", null));
      client.expect(ServerFrame.Subscribed.class);
      client.send(new ClientFrame.Auth(TestTokens.grants("hank", List.of("a:*"), List.of())));
      ServerFrame.Error dropped = client.expect(ServerFrame.Error.class);
      assertThat(dropped.code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(dropped.message()).contains("b:1");
      client.send(new ClientFrame.Unsubscribe("3", "a:1"));
      assertThat(client.expect(ServerFrame.Unsubscribed.class).channel()).isEqualTo("a:1");
      client.send(new ClientFrame.Unsubscribe("4", "b:1"));
      assertThat(client.expect(ServerFrame.Error.class).code()).isEqualTo(ErrorCode.NOT_SUBSCRIBED);
    }
  }

  private WsTestClient greeted(String token) {
    WsTestClient client = WsTestClient.connect(base.toString());
    client.send(new ClientFrame.Hello(token, "c-" + System.nanoTime()));
    client.expect(ServerFrame.Welcome.class);
    return client;
  }
}
