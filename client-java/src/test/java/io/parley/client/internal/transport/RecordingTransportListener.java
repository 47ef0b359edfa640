package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.ParleyException;
import io.parley.protocol.ServerFrame;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Records one connection's events in order; waits for them with Awaitility. Thread-safe. */
final class RecordingTransportListener implements ClientTransport.Listener {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  /** The final close. */
  record Closed(ParleyException cause) {}

  private final Queue<Object> events = new ConcurrentLinkedQueue<>();

  @Override
  public void onFrame(ServerFrame frame) {
    events.add(frame);
  }

  @Override
  public void onClosed(ParleyException cause) {
    events.add(new Closed(cause));
  }

  /** Waits for the next event and checks its type. */
  <T> T next(Class<T> type) {
    await().atMost(PATIENCE).until(() -> !events.isEmpty());
    Object event = events.poll();
    assertThat(event).as("next transport event").isInstanceOf(type);
    return type.cast(event);
  }

  /** Drops signs of life ({@code ping}) until another event arrives, which it returns. */
  <T> T nextSkippingPings(Class<T> type) {
    while (true) {
      await().atMost(PATIENCE).until(() -> !events.isEmpty());
      Object event = events.peek();
      if (event instanceof ServerFrame.Ping) {
        events.poll();
        continue;
      }
      return next(type);
    }
  }

  boolean isEmpty() {
    return events.isEmpty();
  }

  void assertExhausted() {
    assertThat(events).as("unexpected transport events").isEmpty();
  }
}
