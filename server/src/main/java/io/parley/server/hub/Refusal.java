package io.parley.server.hub;

import io.parley.protocol.ErrorCode;
import io.parley.protocol.codec.FrameDecodeException;
import io.parley.server.auth.TokenRejectedException;
import java.time.Duration;
import java.util.Objects;

/**
 * The one shape of "no": why a request, a session or a token was refused, made by the hub (and for
 * tokens by {@link #ofRejectedToken}) and rendered by each transport in one place ({@code
 * NativeRefusal} for {@code /ws}, {@code SocketIoRefusal} for Socket.IO, {@code Problem} for HTTP).
 * Carries no request id: the transport knows which request it answers. Immutable and thread-safe.
 *
 * @param code what went wrong; also gives the category and whether a retry can succeed
 * @param message a sentence for people: what was refused and what would be accepted
 * @param field the request field at fault as the hub knows it ({@code channel}, {@code since},
 *     {@code token}), or {@code null}; a transport may name it as its wire does ({@link #atField})
 * @param retryAfter how long until a retry can succeed; {@link Duration#ZERO} when there is no hint
 */
public record Refusal(ErrorCode code, String message, String field, Duration retryAfter) {
  private static final System.Logger LOG = System.getLogger(Refusal.class.getName());

  public Refusal {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** A refusal without a retry hint. */
  public static Refusal of(ErrorCode code, String message, String field) {
    return new Refusal(code, message, field, Duration.ZERO);
  }

  /** The refusal of a token that did not verify, naming field {@code token}. */
  public static Refusal ofRejectedToken(TokenRejectedException rejection) {
    return of(rejection.code(), rejection.getMessage(), "token");
  }

  /** The refusal of a frame or body a transport could not read, naming the field at fault. */
  public static Refusal ofUnreadable(FrameDecodeException rejection) {
    return of(rejection.code(), rejection.getMessage(), rejection.field());
  }

  /**
   * The refusal a failed hub stage (or a thrown hub call) carries, unwrapping a {@code
   * CompletionException}.
   *
   * @return the refusal, or {@code null} when {@code failure} is not a refusal but a fault (which
   *     the caller then logs and reports as {@link ErrorCode#INTERNAL})
   */
  public static Refusal of(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof RefusedException refused) {
        return refused.refusal();
      }
    }
    return null;
  }

  /**
   * The refusal {@code failure} carries; any other failure is a fault, logged here (so once) and
   * answered {@link ErrorCode#INTERNAL}: "{@code operation} failed; retry it".
   */
  public static Refusal ofFailure(String operation, Throwable failure) {
    Refusal refusal = of(failure);
    if (refusal != null) {
      return refusal;
    }
    LOG.log(System.Logger.Level.ERROR, operation + " failed", failure);
    return of(ErrorCode.INTERNAL, operation + " failed; retry it", null);
  }

  /** This refusal naming the field as {@code wireField}, the path the transport's client sent. */
  public Refusal atField(String wireField) {
    return new Refusal(code, message, wireField, retryAfter);
  }

  /** Whether a retry hint is given. */
  public boolean hasRetryAfter() {
    return !retryAfter.isZero();
  }

  /** The retry hint in whole seconds, rounded up and at least 1, as HTTP's {@code Retry-After}. */
  public long retryAfterSeconds() {
    return wholeSeconds(retryAfter);
  }

  /** {@code wait} in whole seconds, rounded up and at least 1. */
  public static long wholeSeconds(Duration wait) {
    return Math.max(1, (wait.toMillis() + 999) / 1000);
  }

  /** This refusal as the exception that fails a hub stage or is thrown by a hub call. */
  public RefusedException toException() {
    return new RefusedException(this);
  }
}
