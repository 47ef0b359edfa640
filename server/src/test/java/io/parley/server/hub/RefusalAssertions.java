package io.parley.server.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.concurrent.CompletionStage;

/** Reads the {@link Refusal} out of a hub call that said no, failing the test if it did not. */
final class RefusalAssertions {
  private RefusalAssertions() {}

  /** The refusal {@code stage} failed with; it must have completed already. */
  static Refusal refusalOf(CompletionStage<?> stage) {
    assertThat(stage.toCompletableFuture()).as("the hub's answer").isCompletedExceptionally();
    return refusalOf(() -> stage.toCompletableFuture().join());
  }

  /** The refusal {@code call} threw. */
  static Refusal refusalOf(Runnable call) {
    Throwable thrown = catchThrowable(call::run);
    Refusal refusal = Refusal.of(thrown);
    assertThat(refusal).as("the refusal in %s", thrown).isNotNull();
    return refusal;
  }
}
