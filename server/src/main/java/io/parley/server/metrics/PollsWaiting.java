package io.parley.server.metrics;

import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP long-polls holding a request open until a message arrives or their wait ends, counted by the
 * HTTP transport as they start and finish. Thread-safe.
 */
@Singleton
public class PollsWaiting {
  private final AtomicInteger waiting = new AtomicInteger();

  /** A long-poll started waiting; any thread. */
  public void started() {
    waiting.incrementAndGet();
  }

  /** A long-poll stopped waiting (answered, timed out or abandoned); call once per start. */
  public void finished() {
    waiting.decrementAndGet();
  }

  /** Long-polls waiting now. */
  public int count() {
    return waiting.get();
  }
}
