package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.ParleyException;
import io.parley.protocol.ServerFrame;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/** Records what the pieces of a poll connection report, as the connection would. Thread-safe. */
final class RecordingPollSink implements PollSink {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final Queue<ServerFrame> frames = new ConcurrentLinkedQueue<>();
  private final AtomicReference<ParleyException> failure = new AtomicReference<>();

  @Override
  public void emit(ServerFrame frame) {
    if (!finished()) {
      frames.add(frame);
    }
  }

  @Override
  public void fail(ParleyException cause) {
    failure.compareAndSet(null, cause);
  }

  @Override
  public boolean finished() {
    return failure.get() != null;
  }

  /** Waits for the next frame, skipping signs of life, and checks its type. */
  <T extends ServerFrame> T next(Class<T> type) {
    while (true) {
      await().atMost(PATIENCE).until(() -> !frames.isEmpty());
      ServerFrame frame = frames.poll();
      if (!(frame instanceof ServerFrame.Ping) || type == ServerFrame.Ping.class) {
        assertThat(frame).as("next frame").isInstanceOf(type);
        return type.cast(frame);
      }
    }
  }

  ParleyException failure() {
    return failure.get();
  }

  void assertExhausted() {
    assertThat(frames).as("unexpected frames").isEmpty();
  }
}
