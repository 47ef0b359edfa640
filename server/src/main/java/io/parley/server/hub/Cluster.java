package io.parley.server.hub;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The nodes that share this node's backplane, as the hub and the admin API reach them: each token
 * subject's connections counted over every node (the per-user limit), operator disconnects carried
 * to the node that holds the session, and every node's counters for the admin stats. One node on
 * the memory backplane is a cluster of one ({@code SingleNode}); on Redis every node sees the
 * others through it ({@code RedisCluster}). Implementations are thread-safe and never block.
 */
public interface Cluster {

  /** An operator's disconnect, as the admin API took it. Immutable. */
  record DisconnectOrder(String user, String session, String reason, boolean mayReconnect) {}

  /** What the other nodes answered to a {@link DisconnectOrder}. */
  record Disconnected(int nodes, int answered, int sessions) {
    /** No other node: nothing asked, nothing closed. */
    public static final Disconnected NONE = new Disconnected(0, 0, 0);
  }

  /** Carries out on this node what another node's operator ordered. */
  @FunctionalInterface
  interface Orders {
    /**
     * Closes this node's sessions named by {@code order}; must not block.
     *
     * @return how many it closed
     */
    int disconnect(DisconnectOrder order);
  }

  /** Registers what carries out other nodes' orders here; call once, at startup. */
  void listen(Orders orders);

  /**
   * Whether connections are counted over several nodes. When false the hub's own count of the
   * node's sessions is the whole count, and {@link #countIn} is never called.
   */
  boolean countsConnections();

  /**
   * Counts one more connection of {@code subject} over every node.
   *
   * @return a stage completed with {@code true} (counted) when the subject had fewer than {@code
   *     limit}, {@code false} (nothing counted) otherwise; failed when the count could not be
   *     reached
   */
  CompletionStage<Boolean> countIn(String subject, int limit);

  /** Takes back one connection of {@code subject} that {@link #countIn} counted. */
  void countOut(String subject);

  /**
   * Asks every other node to carry out {@code order}, waiting a bounded time for their answers.
   * Never fails: nodes that did not answer in time are counted in {@link Disconnected#nodes} but
   * not in {@link Disconnected#answered}.
   */
  CompletionStage<Disconnected> disconnectElsewhere(DisconnectOrder order);

  /**
   * What every live node last reported of itself (this one included), each a JSON object as the
   * node wrote it, in node order; an empty list on a cluster of one.
   */
  CompletionStage<List<String>> nodeReports();
}
