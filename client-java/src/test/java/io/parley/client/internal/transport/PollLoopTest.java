package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.client.ConnectionException;
import io.parley.client.internal.transport.HttpPollTransport.Mode;
import io.parley.client.internal.transport.TestHttpServer.Reply;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.time.FakeScheduler;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PollLoopTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static final Reply ALLOWS_POST =
      new Reply(405, "text/plain", "", Map.of("Allow", "POST"));

  private final ExecutorService httpThreads = Executors.newCachedThreadPool();
  private final HttpClient http = HttpClient.newBuilder().executor(httpThreads).build();
  private final RecordingPollSink sink = new RecordingPollSink();
  private final Queue<ClientFrame.Publish> released = new ConcurrentLinkedQueue<>();
  private final CountDownLatch answerNews = new CountDownLatch(1);
  private TestHttpServer server;
  private PollLoop loop;

  @BeforeEach
  void start() throws Exception {
    server = new TestHttpServer();
    HttpPollTransport transport =
        new HttpPollTransport(
            Mode.LONG_POLL,
            http,
            new Endpoints(server.base()),
            Duration.ofSeconds(5),
            Duration.ofSeconds(25),
            new FakeScheduler());
    loop =
        new PollLoop(
            transport, "client-1", new TokenRefresh("tok", sink::emit), sink, released::add);
  }

  @AfterEach
  void stop() {
    sink.fail(new ConnectionException("test over", null, null, null));
    loop.stop();
    server.close();
    httpThreads.shutdownNow();
  }

  /** Checks answered, the channel {@code news} confirmed once the test says, the rest held. */
  private void serveNewsWhenAllowed() {
    server.respond(
        request -> {
          if (request.method().equals("OPTIONS")) {
            return ALLOWS_POST;
          }
          if (request.body().contains("\"news\":null")) {
            try {
              answerNews.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Reply.json(
                "{\"messages\":[],\"positions\":{\"news\":{\"epoch\":\"e1\",\"seq\":4}}}");
          }
          return Reply.HOLD;
        });
  }

  private static ClientFrame.Publish publish(String id) {
    return new ClientFrame.Publish(id, "news", "e", JsonNodeFactory.instance.nullNode());
  }

  @Test
  void aPublishGoesOnAtOnceWhileNoChannelIsPending() {
    serveNewsWhenAllowed();
    loop.poll();
    sink.next(ServerFrame.Welcome.class);

    loop.publish(publish("p-1"));

    assertThat(released).extracting(ClientFrame.Publish::id).containsExactly("p-1");
  }

  @Test
  void aPublishWaitsUntilTheChannelSubscribedBeforeItIsConfirmed() {
    serveNewsWhenAllowed();
    loop.poll();
    sink.next(ServerFrame.Welcome.class);

    loop.subscribe(new ClientFrame.Subscribe("s1", "news", null));
    loop.publish(publish("p-1"));
    assertThat(released).isEmpty();
    answerNews.countDown();

    assertThat(sink.next(ServerFrame.Subscribed.class))
        .isEqualTo(new ServerFrame.Subscribed("s1", "news", new Position("e1", 4), true));
    await().atMost(PATIENCE).until(() -> released.size() == 1);
    assertThat(released.peek().id()).isEqualTo("p-1");
  }

  @Test
  void anUnsubscribeIsConfirmedAtOnceAndReleasesWhatWaitedForThatChannel() {
    serveNewsWhenAllowed();
    loop.poll();
    sink.next(ServerFrame.Welcome.class);
    loop.subscribe(new ClientFrame.Subscribe("s1", "news", null));
    loop.publish(publish("p-1"));

    loop.unsubscribe(new ClientFrame.Unsubscribe("u1", "news"));

    assertThat(sink.next(ServerFrame.Unsubscribed.class))
        .isEqualTo(new ServerFrame.Unsubscribed("u1", "news"));
    assertThat(released).extracting(ClientFrame.Publish::id).containsExactly("p-1");
  }

  @Test
  void aProblemNamingOneChannelEndsThatSubscribeAndReleasesWhatWaitedForIt() {
    server.respond(
        request -> {
          if (request.method().equals("OPTIONS")) {
            return ALLOWS_POST;
          }
          if (request.body().contains("\"secret\":null")) {
            return Reply.problem(
                403, "{\"status\":403,\"code\":\"FORBIDDEN\",\"field\":\"subscriptions.secret\"}");
          }
          return Reply.HOLD;
        });
    loop.poll();
    sink.next(ServerFrame.Welcome.class);

    loop.subscribe(new ClientFrame.Subscribe("s9", "secret", null));
    loop.publish(publish("p-1"));

    ServerFrame.Error error = sink.next(ServerFrame.Error.class);
    assertThat(error.id()).isEqualTo("s9");
    assertThat(error.code()).isEqualTo(ErrorCode.FORBIDDEN);
    await().atMost(PATIENCE).until(() -> released.size() == 1);
    assertThat(sink.failure()).isNull();
  }
}
