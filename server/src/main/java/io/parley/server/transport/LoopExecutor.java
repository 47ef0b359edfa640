package io.parley.server.transport;

import io.netty.util.internal.PlatformDependent;
import io.vertx.core.Context;
import io.vertx.core.impl.ContextInternal;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks from any thread on one event loop, in the order they were submitted, with one Vert.x
 * context task per batch instead of one per task. A fan-out hands every subscriber its message from
 * the publisher's thread; with a task per subscriber, the event loops spent more time taking tasks
 * off their queues and waking up than writing. Shared by every connection on the loop (see {@link
 * #of}).
 *
 * <p>The queue is unbounded: what it holds is bounded by the callers, which count what they queue
 * per connection against their own limits before submitting. A batch runs at most {@link
 * #MAX_BATCH} tasks, then yields the loop to I/O and goes on in a new batch.
 */
public final class LoopExecutor implements Executor {
  private static final System.Logger LOG = System.getLogger(LoopExecutor.class.getName());

  /** Tasks run per batch before the loop gets back to I/O. */
  static final int MAX_BATCH = 4096;

  private final Context context;
  private final Queue<Runnable> tasks = PlatformDependent.newMpscQueue();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  private LoopExecutor(Context context) {
    this.context = context;
  }

  /** The executor of {@code context}'s event loop, created on first use and then shared. */
  public static LoopExecutor of(Context context) {
    ContextInternal loop = ((ContextInternal) context).unwrap();
    return (LoopExecutor)
        loop.contextData().computeIfAbsent(LoopExecutor.class, key -> new LoopExecutor(loop));
  }

  /** Queues {@code task} to run on the loop after every task submitted before it. Any thread. */
  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> runBatch());
    }
  }

  private void runBatch() {
    // Cleared before polling: a task added from now on is either polled below or schedules the
    // next batch.
    scheduled.set(false);
    try {
      for (int i = 0; i < MAX_BATCH; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          return;
        }
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, "a task on the event loop failed", e);
        }
      }
    } finally {
      // A full batch, or an Error out of a task: what is left runs in the next batch.
      if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> runBatch());
      }
    }
  }
}
