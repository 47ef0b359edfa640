package io.parley.client.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread-safe queue that runs handler, listener and stage-completion calls one at a time, in
 * submission order, on the client's own daemon thread or on the user's executor. The queue is
 * unbounded here; the supervisor bounds it by refusing messages when {@link #depth()} reaches the
 * configured capacity. Calls must do their own isolation; one that still throws is logged and the
 * next runs. After {@link #terminate()} no call starts.
 */
public final class Dispatcher {
  private static final Logger LOG = System.getLogger(Dispatcher.class.getName());

  private final Executor executor;
  private final ExecutorService owned;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger depth = new AtomicInteger();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile Thread runner;
  private volatile boolean terminated;

  /**
   * @param executor the user's executor, or {@code null} for a daemon thread named {@code
   *     threadName-1} that {@link #shutdown()} stops
   */
  public Dispatcher(Executor executor, String threadName) {
    if (executor == null) {
      this.owned = Executors.newSingleThreadExecutor(new DaemonThreads(threadName));
      this.executor = owned;
    } else {
      this.owned = null;
      this.executor = executor;
    }
  }

  /** Queues {@code call}; drops it when the dispatcher has terminated. */
  public void dispatch(Runnable call) {
    if (terminated) {
      LOG.log(Level.DEBUG, "dispatcher terminated; dropping a call");
      return;
    }
    depth.incrementAndGet();
    queue.add(call);
    if (scheduled.compareAndSet(false, true)) {
      submit();
    }
  }

  /** Calls waiting to run. */
  public int depth() {
    return depth.get();
  }

  /** Whether the caller is running a dispatched call now. */
  public boolean onDispatchThread() {
    return runner == Thread.currentThread();
  }

  /** From now on no call starts; to be called from the final call itself. */
  public void terminate() {
    terminated = true;
  }

  /** Lets the calls already queued run, then stops the owned thread (not a user executor). */
  public void shutdown() {
    if (owned != null) {
      owned.shutdown();
    }
  }

  /** The owned thread's executor, or {@code null} with a user executor. For tests. */
  ExecutorService ownedExecutor() {
    return owned;
  }

  private void submit() {
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      scheduled.set(false);
      LOG.log(Level.WARNING, "listener executor rejected the dispatcher; calls are waiting", e);
    }
  }

  private void drain() {
    runner = Thread.currentThread();
    try {
      Runnable call;
      while (!terminated && (call = queue.poll()) != null) {
        depth.decrementAndGet();
        try {
          call.run();
        } catch (RuntimeException | Error e) {
          if (e instanceof VirtualMachineError) {
            throw e;
          }
          LOG.log(Level.WARNING, "a dispatched call failed", e);
        }
      }
    } finally {
      runner = null;
      scheduled.set(false);
    }
    if (terminated) {
      depth.set(0);
      queue.clear();
    } else if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
      submit();
    }
  }
}
