package io.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.Gap;
import io.parley.client.Message;
import io.parley.client.MessageHandler;
import io.parley.client.SubscriptionRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Records a subscription's calls in order, with their threads. Thread-safe. */
class RecordingHandler implements MessageHandler {
  private final Queue<Object> calls = new ConcurrentLinkedQueue<>();
  private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();

  @Override
  public void onMessage(Message message) {
    threads.add(Thread.currentThread());
    calls.add(message);
  }

  @Override
  public void onGap(Gap gap) {
    threads.add(Thread.currentThread());
    calls.add(gap);
  }

  @Override
  public void onRejected(SubscriptionRejectedException rejection) {
    threads.add(Thread.currentThread());
    calls.add(rejection);
  }

  Message takeMessage() {
    Object call = calls.poll();
    assertThat(call).as("next handler call").isInstanceOf(Message.class);
    return (Message) call;
  }

  Gap takeGap() {
    Object call = calls.poll();
    assertThat(call).as("next handler call").isInstanceOf(Gap.class);
    return (Gap) call;
  }

  SubscriptionRejectedException takeRejection() {
    Object call = calls.poll();
    assertThat(call).as("next handler call").isInstanceOf(SubscriptionRejectedException.class);
    return (SubscriptionRejectedException) call;
  }

  /** The seqs of the messages received so far, removed. */
  List<Long> takeSeqs() {
    List<Long> seqs = new ArrayList<>();
    Object call;
    while ((call = calls.peek()) instanceof Message message) {
      calls.poll();
      seqs.add(message.seq());
    }
    return seqs;
  }

  int size() {
    return calls.size();
  }

  List<Thread> threads() {
    return new ArrayList<>(threads);
  }

  void assertExhausted() {
    assertThat(calls).as("unexpected handler calls").isEmpty();
  }
}
