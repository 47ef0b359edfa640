package io.parley.harness.client;

import io.parley.client.Gap;
import io.parley.client.Message;
import io.parley.client.MessageHandler;
import io.parley.client.SubscriptionRejectedException;
import java.util.ArrayList;
import java.util.List;

/**
 * A thread-safe {@link MessageHandler} that records every call in order: messages, gaps and
 * rejections, so a test can assert the exact sequence a subscription saw.
 */
final class Recorder implements MessageHandler {
  private final List<Object> events = new ArrayList<>();

  @Override
  public synchronized void onMessage(Message message) {
    events.add(message);
  }

  @Override
  public synchronized void onGap(Gap gap) {
    events.add(gap);
  }

  @Override
  public synchronized void onRejected(SubscriptionRejectedException rejection) {
    events.add(rejection);
  }

  /** Every call so far, in order: {@link Message}, {@link Gap} or the rejection. */
  synchronized List<Object> events() {
    return List.copyOf(events);
  }

  /** The messages so far, in order. */
  synchronized List<Message> messages() {
    List<Message> messages = new ArrayList<>();
    for (Object event : events) {
      if (event instanceof Message message) {
        messages.add(message);
      }
    }
    return messages;
  }

  /** The seqs of the messages so far, in order. */
  synchronized List<Long> seqs() {
    return messages().stream().map(Message::seq).toList();
  }

  /** The gaps so far, in order. */
  synchronized List<Gap> gaps() {
    List<Gap> gaps = new ArrayList<>();
    for (Object event : events) {
      if (event instanceof Gap gap) {
        gaps.add(gap);
      }
    }
    return gaps;
  }

  /** The seq of the last message, or 0. */
  synchronized long lastSeq() {
    List<Message> messages = messages();
    return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).seq();
  }
}
