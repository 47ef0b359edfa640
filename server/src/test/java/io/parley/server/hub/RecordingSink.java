package io.parley.server.hub;

import io.parley.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A sink that records what the hub sends; optionally refuses after a number of frames. */
class RecordingSink implements SessionSink {
  private final List<ServerFrame> frames = new ArrayList<>();
  private final int capacity;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Refusal closeReason;

  RecordingSink() {
    this(Integer.MAX_VALUE);
  }

  RecordingSink(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public synchronized boolean sendMessage(ChannelMessage message) {
    return add(message.frame());
  }

  @Override
  public synchronized boolean send(ServerFrame frame) {
    return add(frame);
  }

  /** Records a refusal as the error frame /ws would send, so tests read every answer alike. */
  @Override
  public synchronized boolean sendRefusal(Refusal refusal) {
    return add(ServerFrame.Error.of(null, refusal.code(), refusal.message(), refusal.field()));
  }

  @Override
  public synchronized void close(Refusal reason) {
    if (closed.compareAndSet(false, true)) {
      closeReason = reason;
    }
  }

  private boolean add(ServerFrame frame) {
    if (frames.size() >= capacity) {
      return false;
    }
    frames.add(frame);
    return true;
  }

  synchronized List<ServerFrame> frames() {
    return List.copyOf(frames);
  }

  synchronized List<Long> seqs(String channel) {
    List<Long> seqs = new ArrayList<>();
    for (ServerFrame frame : frames) {
      if (frame instanceof ServerFrame.Message message && message.channel().equals(channel)) {
        seqs.add(message.seq());
      }
    }
    return seqs;
  }

  synchronized <T extends ServerFrame> List<T> framesOf(Class<T> type) {
    List<T> found = new ArrayList<>();
    for (ServerFrame frame : frames) {
      if (type.isInstance(frame)) {
        found.add(type.cast(frame));
      }
    }
    return found;
  }

  synchronized Refusal closeReason() {
    return closeReason;
  }
}
