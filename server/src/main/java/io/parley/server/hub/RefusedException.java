package io.parley.server.hub;

import java.util.Objects;

/**
 * How a {@link Refusal} leaves the hub: {@link Hub#open} and {@link Hub#refresh}, which answer at
 * once, throw it; {@link Hub#subscribe}, {@link Hub#unsubscribe}, {@link Hub#publish} and {@link
 * Hub#read}, which answer later, fail their stage with it. Transports read it back with {@link
 * Refusal#of(Throwable)}. No stack trace: it is an answer, not a fault. Immutable and thread-safe.
 */
public final class RefusedException extends RuntimeException {
  private final transient Refusal refusal;

  RefusedException(Refusal refusal) {
    super(refusal.message(), null, false, false);
    this.refusal = Objects.requireNonNull(refusal, "refusal");
  }

  /** Why the hub said no. */
  public Refusal refusal() {
    return refusal;
  }
}
