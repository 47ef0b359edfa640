package io.parley.server.health;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reasons for which this node must not be ready, whatever its self-tests say: while any gate is
 * closed, {@code /q/health/ready} answers DOWN and names the reasons. Drain closes one ({@code
 * close("draining")}) before it hints clients away. Thread-safe.
 */
@Singleton
public class ReadinessGates {
  private final Set<String> closed = ConcurrentHashMap.newKeySet();

  /** Holds readiness DOWN for {@code reason} until {@link #open} with the same reason. */
  public void close(String reason) {
    closed.add(reason);
  }

  /** Releases the hold {@link #close} put for {@code reason}; unknown reasons are ignored. */
  public void open(String reason) {
    closed.remove(reason);
  }

  /** The reasons readiness is held DOWN, sorted; empty when none. */
  public List<String> closedReasons() {
    return closed.stream().sorted().toList();
  }
}
