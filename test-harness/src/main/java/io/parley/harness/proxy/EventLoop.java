package io.parley.harness.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Thread-safe only for {@link #execute}, {@link #call} and {@link #close}; everything else runs on
 * the loop thread: one selector thread that runs all I/O, timers and state changes of one {@link
 * FaultProxy}.
 *
 * <p>Confining all connection state to this thread means no locks: other threads post tasks, which
 * run in the order posted, after the I/O events of the current turn. Timers run in deadline order
 * (ties in scheduling order) on the same thread, so a fault that delays data is just a timer.
 */
final class EventLoop implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

  /** How long {@link #call} waits for the loop; a slower answer means the loop is stuck. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  /** Bytes read from a socket in one go; also the largest chunk a fault sees. */
  static final int READ_BUFFER_BYTES = 16 * 1024;

  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
  private long timerSequence;
  private volatile boolean running = true;

  EventLoop(String threadName) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("Unable to open a selector for " + threadName, e);
    }
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the loop thread soon. Thread-safe. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /**
   * Runs {@code task} on the loop thread and returns its result, waiting up to {@link
   * #CALL_TIMEOUT}. Runs it directly when called on the loop thread. Thread-safe.
   *
   * @throws IllegalStateException when the loop has stopped or does not answer in time
   * @throws RuntimeException what {@code task} threw, unwrapped
   */
  <T> T call(Callable<T> task) {
    if (inLoop()) {
      try {
        return task.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    if (!running) {
      throw new IllegalStateException(thread.getName() + " has stopped");
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    execute(
        () -> {
          try {
            result.complete(task.call());
          } catch (Exception | Error e) {
            result.completeExceptionally(e);
          }
        });
    try {
      return result.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted waiting for " + thread.getName(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          thread.getName() + " did not answer within " + CALL_TIMEOUT, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Runs {@code task} on the loop thread after {@code delayNanos}. Loop thread only. */
  Timer schedule(long delayNanos, Runnable task) {
    Timer timer = new Timer(System.nanoTime() + Math.max(0, delayNanos), timerSequence++, task);
    timers.add(timer);
    return timer;
  }

  /** Registers {@code channel} with {@code handler} as its attachment. Loop thread only. */
  SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
    return channel.register(selector, ops, handler);
  }

  /**
   * Makes the selector drop cancelled keys now, which really closes their channels (a registered
   * channel's close is deferred until then). Readiness seen meanwhile is reported again by the next
   * select, as the selector is level-triggered. Loop thread only.
   */
  void flushCancelledKeys() throws IOException {
    selector.selectNow(key -> {});
  }

  /** The loop's scratch buffer for socket reads; callers copy out what they keep. */
  ByteBuffer readBuffer() {
    return readBuffer.clear();
  }

  /**
   * Stops the loop and waits for the thread to end. Channels still registered are closed by the
   * selector's close. Thread-safe and idempotent.
   */
  @Override
  public void close() {
    running = false;
    selector.wakeup();
    if (!inLoop()) {
      try {
        thread.join(CALL_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    try {
      while (running) {
        long timeoutMillis = selectTimeoutMillis();
        if (timeoutMillis < 0) {
          selector.selectNow(this::dispatch);
        } else {
          selector.select(this::dispatch, timeoutMillis);
        }
        runTasks();
        runTimers();
      }
    } catch (IOException | ClosedSelectorException e) {
      LOG.log(Level.ERROR, thread.getName() + " stopped: its selector failed", e);
    } finally {
      running = false;
      closeSelector();
      failPendingTasks();
    }
  }

  /** -1: work is due, do not wait; 0: wait until woken; otherwise the wait in milliseconds. */
  private long selectTimeoutMillis() {
    if (!tasks.isEmpty()) {
      return -1;
    }
    Timer next = timers.peek();
    if (next == null) {
      return 0;
    }
    long waitNanos = next.deadline - System.nanoTime();
    if (waitNanos <= 0) {
      return -1;
    }
    // Round up so a timer never runs early.
    return TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999);
  }

  private void dispatch(SelectionKey key) {
    Handler handler = (Handler) key.attachment();
    try {
      if (key.isValid()) {
        handler.onReady(key);
      }
    } catch (IOException | RuntimeException e) {
      // Isolation: one broken connection must not stop the proxy. The handler closes it and logs.
      handler.onFailure(e);
    }
  }

  private void runTasks() {
    for (int pending = tasks.size(); pending > 0; pending--) {
      Runnable task = tasks.poll();
      if (task == null) {
        return;
      }
      runIsolated(task, "task");
    }
  }

  private void runTimers() {
    long now = System.nanoTime();
    Timer timer;
    while ((timer = timers.peek()) != null && timer.deadline - now <= 0) {
      timers.poll();
      if (!timer.cancelled) {
        runIsolated(timer.task, "timer");
      }
    }
  }

  private void runIsolated(Runnable task, String kind) {
    try {
      task.run();
    } catch (RuntimeException e) {
      // Tasks that touch a connection close it themselves on I/O errors; anything reaching here is
      // a bug, reported loudly, but the other connections keep flowing.
      LOG.log(Level.ERROR, thread.getName() + ": a " + kind + " failed", e);
    }
  }

  private void closeSelector() {
    for (SelectionKey key : selector.keys()) {
      try {
        key.channel().close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, () -> thread.getName() + ": closing " + key.channel() + " failed", e);
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, thread.getName() + ": closing the selector failed", e);
    }
  }

  private void failPendingTasks() {
    // Tasks posted by call() complete their future themselves; run the rest so callers waiting on
    // them see the loop is gone instead of timing out.
    Runnable task;
    while ((task = tasks.poll()) != null) {
      runIsolated(task, "task after stop");
    }
  }

  /** Reacts to readiness of one registered channel. Loop thread only. */
  interface Handler {
    void onReady(SelectionKey key) throws IOException;

    /** Handling failed; release the channel and say why, in the log. */
    void onFailure(Exception cause);
  }

  /** A scheduled task; {@link #cancel()} stops it if it has not run. Loop thread only. */
  static final class Timer implements Comparable<Timer> {
    private final long deadline;
    private final long sequence;
    private final Runnable task;
    private boolean cancelled;

    private Timer(long deadline, long sequence, Runnable task) {
      this.deadline = deadline;
      this.sequence = sequence;
      this.task = task;
    }

    void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Timer other) {
      int byDeadline = Long.compare(deadline - other.deadline, 0);
      return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
    }
  }
}
