package io.parley.client.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.client.Ack;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyException;
import io.parley.client.ProtocolException;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.codec.FieldReader;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Thread-safe {@code POST /realtime/publish}: encodes the body, reads the answer or the problem.
 * Shared by the HTTP poll transports and the backend publisher.
 *
 * <p>Request: {@code {"channel","event","data","id"?,"clientId"?}} with {@code Authorization:
 * Bearer <token>} when there is a token. Answer: 200 {@code {"channel","epoch","seq"}}, else {@code
 * application/problem+json}.
 */
public final class PublishEndpoint {
  private final HttpClient http;
  private final URI uri;
  private final Duration timeout;
  private final FrameCodec codec;

  public PublishEndpoint(HttpClient http, URI uri, Duration timeout, FrameCodec codec) {
    this.http = http;
    this.uri = uri;
    this.timeout = timeout;
    this.codec = codec;
  }

  /**
   * Publishes once. The future completes on an HTTP client thread, never exceptionally, with the
   * {@link PublishOutcome}: {@code Acked}, {@code Refused} with the server's problem (and its
   * {@code Retry-After}), or {@code Failed} with a {@code ProtocolException} for an unreadable
   * answer or a {@code ConnectionException} for network failures and timeouts.
   *
   * @param token the bearer token, or {@code null}
   * @param id the idempotency id, or {@code null}
   * @param clientId the client id scoping {@code id}, or {@code null}
   */
  public CompletableFuture<PublishOutcome> send(
      String token, String id, String clientId, String channel, String event, JsonNode data) {
    HttpRequest request = request(token, body(id, clientId, channel, event, data));
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                return new PublishOutcome.Failed(networkFailure(channel, failure));
              }
              if (response.statusCode() != 200) {
                return new PublishOutcome.Refused(
                    ProblemDetails.parse(codec.mapper(), response.statusCode(), response.body()),
                    RetryAfter.of(response.headers()));
              }
              return answer(response.body());
            });
  }

  /**
   * Publishes once, as the public publisher reports it. The future completes on an HTTP client
   * thread with the {@link Ack}, or fails with a {@link ParleyException}: {@code
   * PublishRejectedException} or {@code AuthenticationException} from the server's problem (see
   * {@link ServerErrors#publishRefused}), else the cause of a {@code Failed} outcome.
   *
   * @param token the bearer token, or {@code null}
   * @param id the idempotency id, or {@code null}
   * @param clientId the client id scoping {@code id}, or {@code null}
   */
  public CompletableFuture<Ack> publish(
      String token, String id, String clientId, String channel, String event, JsonNode data) {
    return send(token, id, clientId, channel, event, data)
        .thenApply(outcome -> outcome.ack(channel, id));
  }

  /** The JSON body of a publish. */
  String body(String id, String clientId, String channel, String event, JsonNode data) {
    ObjectMapper mapper = codec.mapper();
    ObjectNode body = mapper.createObjectNode();
    body.put("channel", channel);
    body.put("event", event);
    body.set("data", data);
    if (id != null) {
      body.put("id", id);
    }
    if (clientId != null) {
      body.put("clientId", clientId);
    }
    return body.toString();
  }

  private HttpRequest request(String token, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, application/problem+json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder.build();
  }

  private PublishOutcome answer(String body) {
    try {
      FieldReader fields = FieldReader.of(codec.parseObject(body));
      String epoch = fields.requiredString("epoch", Limits.MAX_EPOCH_LENGTH);
      long seq = fields.requiredLong("seq", 1, Long.MAX_VALUE);
      return new PublishOutcome.Acked(seq, epoch);
    } catch (FrameDecodeException e) {
      return new PublishOutcome.Failed(
          new ProtocolException(
              "unreadable publish answer from " + uri + ": " + e.getMessage(),
              e.code(),
              e.field()));
    }
  }

  static ParleyException networkFailure(String channel, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof ParleyException parley) {
      return parley;
    }
    String what = cause instanceof IOException ? cause.toString() : String.valueOf(cause);
    return new ConnectionException(
        "publish to " + channel + " failed: " + what, null, ErrorCode.INTERNAL, cause);
  }
}
