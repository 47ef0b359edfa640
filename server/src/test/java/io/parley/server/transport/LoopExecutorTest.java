package io.parley.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopExecutorTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void contextsOfOneEventLoopShareOneExecutor() {
    Context context = vertx.getOrCreateContext();
    assertThat(LoopExecutor.of(context)).isSameAs(LoopExecutor.of(context));
  }

  @Test
  void runsEachThreadsTasksInOrderOnTheEventLoopAcrossBatches() throws Exception {
    Context context = vertx.getOrCreateContext();
    LoopExecutor loop = LoopExecutor.of(context);
    int threads = 4;
    int perThread = LoopExecutor.MAX_BATCH; // several batches in all
    List<List<Integer>> seen = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      seen.add(new ArrayList<>());
    }
    CountDownLatch done = new CountDownLatch(threads * perThread);
    List<Boolean> offLoop = new ArrayList<>();
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Integer> mine = seen.get(t);
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  int n = i;
                  loop.execute(
                      () -> {
                        if (!Context.isOnEventLoopThread()) {
                          offLoop.add(true);
                        }
                        mine.add(n); // only the loop thread touches the lists
                        done.countDown();
                      });
                }
              });
      producers.add(producer);
      producer.start();
    }
    for (Thread producer : producers) {
      producer.join();
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> fence = new CompletableFuture<>();
    loop.execute(() -> fence.complete(null));
    fence.get(10, TimeUnit.SECONDS);
    assertThat(offLoop).isEmpty();
    for (List<Integer> mine : seen) {
      assertThat(mine).hasSize(perThread).isSorted();
    }
  }

  @Test
  void aFailingTaskDoesNotStopTheOnesAfterIt() throws Exception {
    LoopExecutor loop = LoopExecutor.of(vertx.getOrCreateContext());
    CompletableFuture<String> after = new CompletableFuture<>();
    loop.execute(
        () -> {
          throw new IllegalStateException("deliberate");
        });
    loop.execute(() -> after.complete("ran"));
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
  }

  @Test
  void anErrorOutOfATaskLeavesTheQueuedTasksToTheNextBatch() throws Exception {
    LoopExecutor loop = LoopExecutor.of(vertx.getOrCreateContext());
    CountDownLatch queued = new CountDownLatch(1);
    CompletableFuture<String> after = new CompletableFuture<>();
    loop.execute(
        () -> {
          try {
            // Holds the batch until the two tasks below are on the queue behind this one.
            queued.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    loop.execute(
        () -> {
          throw new AssertionError("deliberate");
        });
    loop.execute(() -> after.complete("ran"));
    queued.countDown();
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
  }
}
