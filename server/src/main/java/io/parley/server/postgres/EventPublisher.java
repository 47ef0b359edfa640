package io.parley.server.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * Where database-driven events go. Implementations must be thread-safe and must not block: they are
 * called on a Vert.x event loop.
 */
@FunctionalInterface
interface EventPublisher {

  /**
   * Publishes one event under an idempotency id: a second call with the same id within the hub's
   * idempotency window is acknowledged and not delivered again.
   *
   * @param data the payload; JSON null when absent, never Java {@code null}
   * @return completes when the event is appended (or recognised as a duplicate); fails when it was
   *     refused or could not be appended
   */
  CompletionStage<?> publish(String channel, String event, JsonNode data, String id);
}
