package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The sender's answers are completed by the test on its own thread: everything is sequential. */
class PublishQueueTest {
  private static final ProblemDetails EXPIRED =
      ProblemDetails.parse(new ObjectMapper(), 401, "{\"code\":\"TOKEN_EXPIRED\"}");

  /** One publish handed to the sender, with the token it carried. */
  private record Sent(
      String token, ClientFrame.Publish publish, CompletableFuture<PublishOutcome> answer) {}

  private final List<Sent> sent = new ArrayList<>();
  private final RecordingPollSink sink = new RecordingPollSink();
  private final TokenRefresh tokens = new TokenRefresh("old", sink::emit);
  private final PublishQueue queue =
      new PublishQueue(
          (token, publish) -> {
            CompletableFuture<PublishOutcome> answer = new CompletableFuture<>();
            sent.add(new Sent(token, publish, answer));
            return answer;
          },
          tokens,
          sink,
          Transport.HTTP_POLL);

  private static ClientFrame.Publish publish(String id) {
    return new ClientFrame.Publish(id, "jobs", "e", JsonNodeFactory.instance.nullNode());
  }

  private List<String> sentIds() {
    return sent.stream().map(s -> s.publish().id()).toList();
  }

  @Test
  void sendsOnePublishAtATimeInTheOrderTheyWereAdded() {
    queue.add(publish("p-1"));
    queue.add(publish("p-2"));
    queue.add(publish("p-3"));
    assertThat(sentIds()).containsExactly("p-1");

    sent.get(0).answer().complete(new PublishOutcome.Acked(1, "e1"));
    assertThat(sentIds()).containsExactly("p-1", "p-2");
    sent.get(1).answer().complete(new PublishOutcome.Acked(2, "e1"));
    sent.get(2).answer().complete(new PublishOutcome.Acked(3, "e1"));

    assertThat(sink.next(ServerFrame.Ack.class)).isEqualTo(new ServerFrame.Ack("p-1", 1, "e1"));
    assertThat(sink.next(ServerFrame.Ack.class)).isEqualTo(new ServerFrame.Ack("p-2", 2, "e1"));
    assertThat(sink.next(ServerFrame.Ack.class)).isEqualTo(new ServerFrame.Ack("p-3", 3, "e1"));
    sink.assertExhausted();

    queue.add(publish("p-4"));
    assertThat(sentIds()).containsExactly("p-1", "p-2", "p-3", "p-4");
  }

  @Test
  void aRefusedOrFailedPublishIsAnErrorForItsIdAndTheNextOneGoesOut() {
    queue.add(publish("p-1"));
    queue.add(publish("p-2"));
    queue.add(publish("p-3"));

    sent.get(0)
        .answer()
        .complete(
            new PublishOutcome.Refused(
                ProblemDetails.parse(new ObjectMapper(), 403, "{\"code\":\"FORBIDDEN\"}")));
    sent.get(1)
        .answer()
        .complete(new PublishOutcome.Failed(new ConnectionException("reset", null, null, null)));

    ServerFrame.Error refused = sink.next(ServerFrame.Error.class);
    assertThat(refused.id()).isEqualTo("p-1");
    assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
    ServerFrame.Error failed = sink.next(ServerFrame.Error.class);
    assertThat(failed.id()).isEqualTo("p-2");
    assertThat(failed.retryable()).isTrue();
    assertThat(sentIds()).containsExactly("p-1", "p-2", "p-3");
    assertThat(sink.failure()).isNull();
  }

  @Test
  void aPublishRefusedAsExpiredWaitsForTheFreshTokenAndStillGoesFirst() {
    tokens.succeeded(true);
    queue.add(publish("p-1"));
    queue.add(publish("p-2"));

    sent.get(0).answer().complete(new PublishOutcome.Refused(EXPIRED));

    assertThat(sink.next(ServerFrame.Error.class).code())
        .isEqualTo(ErrorCode.TOKEN_REFRESH_REQUIRED);
    assertThat(sentIds()).containsExactly("p-1");

    tokens.refreshed("new");

    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).publish().id()).isEqualTo("p-1");
    assertThat(sent.get(1).token()).isEqualTo("new");
    sent.get(1).answer().complete(new PublishOutcome.Acked(5, "e1"));
    assertThat(sink.next(ServerFrame.Ack.class).id()).isEqualTo("p-1");
    assertThat(sentIds()).containsExactly("p-1", "p-1", "p-2");
  }

  @Test
  void aPublishRefusedAsExpiredAfterTheTokenChangedIsSentAgainAtOnce() {
    tokens.succeeded(true);
    queue.add(publish("p-1"));
    tokens.refreshed("new");

    sent.get(0).answer().complete(new PublishOutcome.Refused(EXPIRED));

    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).token()).isEqualTo("new");
    sink.assertExhausted();
  }

  @Test
  void anExpiredTokenBeforeTheWelcomeFailsTheConnection() {
    queue.add(publish("p-1"));

    sent.get(0).answer().complete(new PublishOutcome.Refused(EXPIRED));

    assertThat(sink.failure())
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
              assertThat(e.transport()).isEqualTo(Transport.HTTP_POLL);
            });
    sink.assertExhausted();
  }

  @Test
  void nothingMoreIsSentOnceTheConnectionFinished() {
    queue.add(publish("p-1"));
    queue.add(publish("p-2"));

    sink.fail(new ConnectionException("gone", null, null, null));
    sent.get(0).answer().complete(new PublishOutcome.Acked(1, "e1"));

    assertThat(sentIds()).containsExactly("p-1");
    sink.assertExhausted();
  }
}
