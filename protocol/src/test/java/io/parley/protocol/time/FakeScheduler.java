package io.parley.protocol.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A scheduler on virtual time: tasks run only inside {@link #advance} or {@link #runDue}, on the
 * calling thread, in order of due time and then of scheduling. Thread-safe, but meant to be driven
 * from one test thread.
 */
public final class FakeScheduler implements Scheduler {
  private final FakeTicker ticker = new FakeTicker();
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long order;

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    if (delay.isNegative()) {
      delay = Duration.ZERO;
    }
    Task scheduled = new Task(ticker.nanoTime() + delay.toNanos(), order++, task);
    queue.add(scheduled);
    return () -> {
      synchronized (FakeScheduler.this) {
        queue.remove(scheduled);
      }
    };
  }

  @Override
  public FakeTicker ticker() {
    return ticker;
  }

  /** Moves time forward by {@code duration}, running each task when its due time is reached. */
  public void advance(Duration duration) {
    long target = ticker.nanoTime() + duration.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.dueNanos > target) {
          break;
        }
        queue.poll();
      }
      ticker.advance(Duration.ofNanos(next.dueNanos - ticker.nanoTime()));
      next.task.run();
    }
    ticker.advance(Duration.ofNanos(target - ticker.nanoTime()));
  }

  /** Runs the tasks that are due now, including those they schedule with no delay. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** The delays from now of the tasks still pending, soonest first. */
  public synchronized List<Duration> pendingDelays() {
    List<Task> tasks = new ArrayList<>(queue);
    tasks.sort(null);
    List<Duration> delays = new ArrayList<>();
    for (Task task : tasks) {
      delays.add(Duration.ofNanos(task.dueNanos - ticker.nanoTime()));
    }
    return delays;
  }

  private record Task(long dueNanos, long order, Runnable task) implements Comparable<Task> {
    @Override
    public int compareTo(Task other) {
      int byDue = Long.compare(dueNanos, other.dueNanos);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }
  }
}
