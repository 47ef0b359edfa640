package io.parley.client.internal;

import io.parley.protocol.time.Scheduler;
import io.parley.protocol.time.Scheduler.Cancellable;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread-safe actor queue that runs the supervisor's tasks one at a time, in submission order, on
 * the threads of a {@link Scheduler} whatever their number, so the state machine is
 * single-threaded. Timers scheduled here run as loop tasks too, and a cancelled timer never runs,
 * even when it was already queued.
 *
 * <p>Failure policy: a task that throws is a bug in the client; it is logged at {@code ERROR},
 * counted in {@link #uncaughtFailures()}, and the loop goes on with the next task.
 */
public final class EventLoop {
  private static final Logger LOG = System.getLogger(EventLoop.class.getName());

  private final Scheduler scheduler;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicInteger uncaught = new AtomicInteger();
  private volatile Thread runner;
  private volatile boolean stopped;

  public EventLoop(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Queues {@code task}.
   *
   * @return false, and drops the task, when the loop is stopped
   */
  public boolean execute(Runnable task) {
    if (stopped) {
      LOG.log(Level.DEBUG, "event loop stopped; dropping a task");
      return false;
    }
    queue.add(task);
    if (scheduled.compareAndSet(false, true)) {
      submit();
    }
    return true;
  }

  /** Runs {@code task} on the loop after {@code delay}, unless cancelled first. */
  public Cancellable schedule(Duration delay, Runnable task) {
    Timer timer = new Timer(task);
    try {
      timer.handle = scheduler.schedule(delay, () -> execute(timer));
    } catch (RejectedExecutionException e) {
      LOG.log(Level.DEBUG, "scheduler shut down; timer dropped");
    }
    return timer;
  }

  /** Whether the caller is running on the loop now. */
  public boolean inLoop() {
    return runner == Thread.currentThread();
  }

  /** Stops accepting tasks; tasks already queued still run. */
  public void stop() {
    stopped = true;
  }

  /** Tasks that threw since the loop was made: always 0 unless the client has a bug. */
  public int uncaughtFailures() {
    return uncaught.get();
  }

  private void submit() {
    try {
      scheduler.schedule(Duration.ZERO, this::drain);
    } catch (RejectedExecutionException e) {
      stopped = true;
      queue.clear();
      scheduled.set(false);
      LOG.log(Level.DEBUG, "scheduler shut down; event loop stopped");
    }
  }

  private void drain() {
    runner = Thread.currentThread();
    try {
      Runnable task;
      while ((task = queue.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          if (e instanceof VirtualMachineError) {
            throw e;
          }
          uncaught.incrementAndGet();
          LOG.log(Level.ERROR, "a supervisor task failed; this is a bug in the Parley client", e);
        }
      }
    } finally {
      runner = null;
      scheduled.set(false);
    }
    if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
      submit();
    }
  }

  private static final class Timer implements Runnable, Cancellable {
    private final Runnable task;
    private volatile boolean cancelled;
    private volatile Cancellable handle;

    Timer(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (!cancelled) {
        cancelled = true;
        task.run();
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      Cancellable h = handle;
      if (h != null) {
        h.cancel();
      }
    }
  }
}
