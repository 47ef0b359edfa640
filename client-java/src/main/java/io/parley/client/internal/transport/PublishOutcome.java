package io.parley.client.internal.transport;

import io.parley.client.Ack;
import io.parley.client.ParleyException;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable and thread-safe: how one HTTP publish ended, as {@link PublishEndpoint#send} reports
 * it. Exactly one of: the server acknowledged it, the server refused it with a problem, or no
 * answer could be read (network failure, timeout, unreadable answer).
 */
public sealed interface PublishOutcome {

  /**
   * This outcome as the frame a native connection would have sent for publish {@code id}: an {@code
   * ack}, or an {@code error} with that id (a failure is a retryable {@code INTERNAL}).
   */
  ServerFrame frame(String id);

  /**
   * This outcome as the public publisher reports it.
   *
   * @param id the publish's idempotency id, or {@code null}
   * @throws ParleyException what refused or failed the publish
   */
  Ack ack(String channel, String id);

  /** The server acknowledged the publish at {@code epoch}:{@code seq}. */
  record Acked(long seq, String epoch) implements PublishOutcome {
    public Acked {
      Objects.requireNonNull(epoch, "epoch");
    }

    @Override
    public ServerFrame frame(String id) {
      return new ServerFrame.Ack(id, seq, epoch);
    }

    @Override
    public Ack ack(String channel, String id) {
      return new Ack(channel, id == null ? "" : id, seq, epoch);
    }
  }

  /**
   * The server refused the publish with {@code problem}.
   *
   * @param retryAfter the answer's {@code Retry-After} in its delay-seconds form, or {@code null}
   *     when it had none (or an HTTP-date)
   */
  record Refused(ProblemDetails problem, Duration retryAfter) implements PublishOutcome {
    public Refused {
      Objects.requireNonNull(problem, "problem");
    }

    /** A refusal without {@code Retry-After}. */
    public Refused(ProblemDetails problem) {
      this(problem, null);
    }

    @Override
    public ServerFrame frame(String id) {
      return ServerErrors.toFrame(problem, id);
    }

    @Override
    public Ack ack(String channel, String id) {
      throw ServerErrors.publishRefused(problem, channel, id);
    }
  }

  /** No answer could be read; {@code cause} says why. */
  record Failed(ParleyException cause) implements PublishOutcome {
    public Failed {
      Objects.requireNonNull(cause, "cause");
    }

    @Override
    public ServerFrame frame(String id) {
      return ServerFrame.Error.of(id, ErrorCode.INTERNAL, String.valueOf(cause.getMessage()), null);
    }

    @Override
    public Ack ack(String channel, String id) {
      throw cause;
    }
  }
}
