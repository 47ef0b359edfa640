package io.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.ClientListener;
import io.parley.client.HandlerFailed;
import io.parley.client.ReconnectScheduled;
import io.parley.client.ServerChanged;
import io.parley.client.StatusChanged;
import io.parley.client.TransportChanged;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records every listener event in order, with the thread it arrived on; tests take them one by one
 * and end with {@link #assertExhausted()}. Thread-safe.
 */
final class RecordingListener implements ClientListener {
  private final Queue<Object> events = new ConcurrentLinkedQueue<>();
  private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();

  /** Kept apart from the other events, so tests of one server need not take them. */
  private final Queue<ServerChanged> servers = new ConcurrentLinkedQueue<>();

  @Override
  public void onStatusChanged(StatusChanged event) {
    record(event);
  }

  @Override
  public void onTransportChanged(TransportChanged event) {
    record(event);
  }

  @Override
  public void onServerChanged(ServerChanged event) {
    servers.add(event);
  }

  @Override
  public void onReconnectScheduled(ReconnectScheduled event) {
    record(event);
  }

  @Override
  public void onHandlerFailed(HandlerFailed event) {
    record(event);
  }

  private void record(Object event) {
    threads.add(Thread.currentThread());
    events.add(event);
  }

  <T> T take(Class<T> type) {
    Object event = events.poll();
    assertThat(event).as("next listener event").isInstanceOf(type);
    return type.cast(event);
  }

  StatusChanged takeStatus(ConnectionStatus from, ConnectionStatus to) {
    StatusChanged event = take(StatusChanged.class);
    assertThat(event.from()).as("status from").isEqualTo(from);
    assertThat(event.to()).as("status to").isEqualTo(to);
    return event;
  }

  TransportChanged takeTransport(Transport from, Transport to) {
    TransportChanged event = take(TransportChanged.class);
    assertThat(event).isEqualTo(new TransportChanged(from, to));
    return event;
  }

  ReconnectScheduled takeReconnect(int attempt) {
    ReconnectScheduled event = take(ReconnectScheduled.class);
    assertThat(event.attempt()).as("attempt").isEqualTo(attempt);
    return event;
  }

  /** Drops events until the next one of {@code type}, which it returns. */
  <T> T skipTo(Class<T> type) {
    Object event;
    while ((event = events.poll()) != null) {
      if (type.isInstance(event)) {
        return type.cast(event);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " event was recorded");
  }

  /** Every remaining event, removed. */
  List<Object> drain() {
    List<Object> all = new ArrayList<>();
    Object event;
    while ((event = events.poll()) != null) {
      all.add(event);
    }
    return all;
  }

  /** Every {@link ServerChanged} so far, removed. */
  List<ServerChanged> takeServers() {
    List<ServerChanged> all = new ArrayList<>();
    ServerChanged event;
    while ((event = servers.poll()) != null) {
      all.add(event);
    }
    return all;
  }

  List<Thread> threads() {
    return new ArrayList<>(threads);
  }

  void assertExhausted() {
    assertThat(events).as("unexpected listener events").isEmpty();
  }
}
