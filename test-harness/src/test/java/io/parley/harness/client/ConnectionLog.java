package io.parley.harness.client;

import io.parley.client.ClientListener;
import io.parley.client.HandlerFailed;
import io.parley.client.StatusChanged;
import io.parley.client.TransportChanged;
import java.util.ArrayList;
import java.util.List;

/** A thread-safe {@link ClientListener} that records status and transport changes in order. */
final class ConnectionLog implements ClientListener {
  private final List<StatusChanged> statuses = new ArrayList<>();
  private final List<TransportChanged> transports = new ArrayList<>();
  private final List<HandlerFailed> handlerFailures = new ArrayList<>();

  @Override
  public synchronized void onStatusChanged(StatusChanged event) {
    statuses.add(event);
  }

  @Override
  public synchronized void onTransportChanged(TransportChanged event) {
    transports.add(event);
  }

  @Override
  public synchronized void onHandlerFailed(HandlerFailed event) {
    handlerFailures.add(event);
  }

  synchronized List<StatusChanged> statuses() {
    return List.copyOf(statuses);
  }

  synchronized List<TransportChanged> transports() {
    return List.copyOf(transports);
  }

  synchronized List<HandlerFailed> handlerFailures() {
    return List.copyOf(handlerFailures);
  }
}
