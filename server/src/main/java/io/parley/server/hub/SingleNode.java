package io.parley.server.hub;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The cluster of a node on the memory backplane: itself alone. Connections are counted by the hub,
 * there is nobody else to order and nothing else to report. Immutable and thread-safe.
 */
public final class SingleNode implements Cluster {

  @Override
  public void listen(Orders orders) {}

  @Override
  public boolean countsConnections() {
    return false;
  }

  @Override
  public CompletionStage<Boolean> countIn(String subject, int limit) {
    throw new UnsupportedOperationException("one node counts its connections in the hub");
  }

  @Override
  public void countOut(String subject) {
    throw new UnsupportedOperationException("one node counts its connections in the hub");
  }

  @Override
  public CompletionStage<Disconnected> disconnectElsewhere(DisconnectOrder order) {
    return CompletableFuture.completedFuture(Disconnected.NONE);
  }

  @Override
  public CompletionStage<List<String>> nodeReports() {
    return CompletableFuture.completedFuture(List.of());
  }
}
