package io.parley.server.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.server.auth.ChannelPatterns;
import io.parley.server.auth.Identity;
import io.parley.server.hub.Hub;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Publishes database-driven events through the {@link Hub} with the publisher role, as a trusted
 * backend would over HTTP. Thread-safe and non-blocking: called on an event loop. The only place
 * the PostgreSQL integration calls the hub.
 */
final class HubPublication implements EventPublisher {
  /** A backend: publishes anywhere, subscribes nowhere, never expires. */
  private static final Identity DATABASE =
      new Identity(
          "parley:postgres",
          ChannelPatterns.none(),
          ChannelPatterns.none(),
          true,
          false,
          Long.MAX_VALUE);

  private final Hub hub;
  private final String clientId;

  /**
   * @param clientId scopes the idempotency ids: the same id from another client id is another event
   */
  HubPublication(Hub hub, String clientId) {
    this.hub = Objects.requireNonNull(hub, "hub");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
  }

  @Override
  public CompletionStage<?> publish(String channel, String event, JsonNode data, String id) {
    return hub.publish(DATABASE, clientId, id, channel, event, data);
  }
}
