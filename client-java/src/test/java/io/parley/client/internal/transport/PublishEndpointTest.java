package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.client.ProtocolException;
import io.parley.client.internal.transport.TestHttpServer.Reply;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.codec.FrameCodec;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishEndpointTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final ExecutorService httpThreads = Executors.newCachedThreadPool();
  private final HttpClient http = HttpClient.newBuilder().executor(httpThreads).build();
  private TestHttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    httpThreads.shutdownNow();
  }

  private PublishOutcome sendAnswered(Reply reply) throws Exception {
    server = new TestHttpServer();
    server.respond(request -> reply);
    PublishEndpoint endpoint =
        new PublishEndpoint(
            http, new Endpoints(server.base()).publish(), PATIENCE, FrameCodec.create());
    return endpoint
        .send("tok", "p-1", "client-1", "jobs", "e", JsonNodeFactory.instance.nullNode())
        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void anAnswerIsAcked() throws Exception {
    assertThat(sendAnswered(Reply.json("{\"channel\":\"jobs\",\"epoch\":\"e3\",\"seq\":12}")))
        .isEqualTo(new PublishOutcome.Acked(12, "e3"));
  }

  @Test
  void aProblemIsRefusedWithTheServersProblemNotAnException() throws Exception {
    PublishOutcome outcome =
        sendAnswered(Reply.problem(403, "{\"code\":\"CHANNEL_RESERVED\",\"field\":\"channel\"}"));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            PublishOutcome.Refused.class,
            refused -> {
              assertThat(refused.problem().status()).isEqualTo(403);
              assertThat(refused.problem().code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
              assertThat(refused.problem().field()).isEqualTo("channel");
            });
  }

  @Test
  void anUnreadableAnswerFailsWithAProtocolException() throws Exception {
    assertThat(sendAnswered(Reply.json("{\"seq\":\"x\"}")))
        .isInstanceOfSatisfying(
            PublishOutcome.Failed.class,
            failed -> assertThat(failed.cause()).isInstanceOf(ProtocolException.class));
  }
}
