package io.parley.client;

import java.util.Objects;

/**
 * An immutable, thread-safe event: a {@link MessageHandler} or {@link ClientListener} threw, and
 * delivery went on.
 *
 * @param channel the channel whose handler threw, or {@code null} when a listener threw
 * @param error what it threw
 */
public record HandlerFailed(String channel, Throwable error) {
  public HandlerFailed {
    Objects.requireNonNull(error, "error");
  }
}
