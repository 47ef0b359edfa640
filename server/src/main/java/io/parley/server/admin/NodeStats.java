package io.parley.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.config.ServerWiring.NodeIdentity;
import io.parley.server.drain.Drain;
import io.parley.server.events.TransportKind;
import io.parley.server.health.StatusRoute;
import io.parley.server.hub.Backplane;
import io.parley.server.hub.Hub;
import io.parley.server.metrics.DeliveryCounters;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code GET /realtime/admin/stats}, also pushed by the live feed. Two parts: the
 * node's {@linkplain #writeCounters counters} (sessions per transport, messages, self-tests), read
 * from counters kept as things happen and never by walking the sessions; and the {@linkplain
 * #writeChannels channel part} (channel counts, top lists, history), which walks the channels this
 * node holds and may wait for the backplane. Thread-safe; call {@link #writeChannels} on a worker
 * thread, never on an event loop.
 */
@Singleton
public class NodeStats {
  /** How many channels each "top" list shows. */
  static final int TOP = 10;

  @Inject Hub hub;
  @Inject Drain drain;
  @Inject StatusRoute selfTests;
  @Inject FrameCodec codec;
  @Inject RealtimeConfig config;
  @Inject NodeIdentity node;
  @Inject DeliveryCounters deliveries;

  /** The whole stats object: counters and channel part. Worker thread. */
  public ObjectNode snapshot() {
    ObjectNode json = codec.mapper().createObjectNode();
    writeCounters(json);
    writeChannels(json);
    return json;
  }

  /**
   * Writes {@code node}, {@code uptimeMs}, {@code draining}, {@code selfTest}, {@code sessions},
   * {@code connections} (per transport, {@code OTHER} for sessions that named none) and {@code
   * messages} ({@code published} and {@code delivered} since startup: a reader's difference of two
   * snapshots is a rate). Reads counters only; any thread.
   */
  public void writeCounters(ObjectNode json) {
    json.put("node", node.id());
    json.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
    json.put("draining", drain.draining());
    selfTests.writeSelfTests(json.putObject("selfTest"));
    json.put("sessions", hub.sessionCount());
    ObjectNode connections = json.putObject("connections");
    for (Transport transport : Transport.values()) {
      connections.put(transport.name(), hub.sessionCount(transport));
    }
    int other = hub.sessionCount(null);
    if (other > 0) {
      connections.put("OTHER", other);
    }
    long delivered = 0;
    for (TransportKind kind : TransportKind.values()) {
      delivered += deliveries.deliveries(kind);
    }
    json.putObject("messages")
        .put("published", hub.counters().published())
        .put("delivered", delivered);
  }

  /**
   * Writes the cluster part of the stats from every live node's report ({@link #writeCounters} as
   * each node last wrote it, at most a heartbeat old): {@code nodes} (the reports, in node order),
   * and their sums {@code sessions} and {@code connections} per transport. A report that is not a
   * JSON object is left out.
   */
  public void writeCluster(ObjectNode json, List<String> reports) {
    ArrayNode nodes = json.putArray("nodes");
    ObjectNode connections = codec.mapper().createObjectNode();
    long sessions = 0;
    for (String report : reports) {
      JsonNode node;
      try {
        node = codec.mapper().readTree(report);
      } catch (IOException e) {
        continue;
      }
      if (!node.isObject()) {
        continue;
      }
      nodes.add(node);
      sessions += node.path("sessions").asLong();
      node.path("connections")
          .fields()
          .forEachRemaining(
              e ->
                  connections.put(
                      e.getKey(), connections.path(e.getKey()).asLong() + e.getValue().asLong()));
    }
    json.put("sessions", sessions);
    json.set("connections", connections);
  }

  /**
   * Writes {@code channels}, {@code subscribedChannels}, {@code topBySubscribers}, {@code
   * topByPublishRate} and {@code history}. Walks the channels (not the sessions) and waits for the
   * backplane: a worker thread.
   */
  public void writeChannels(ObjectNode json) {
    Map<String, Integer> subscribed = hub.subscribedChannels("", Integer.MAX_VALUE);
    List<Backplane.Held> held = hub.held("", Integer.MAX_VALUE).toCompletableFuture().join();
    json.put("channels", held.size());
    json.put("subscribedChannels", subscribed.size());
    ArrayNode bySubscribers = json.putArray("topBySubscribers");
    subscribed.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(TOP)
        .forEach(
            entry ->
                bySubscribers
                    .addObject()
                    .put("channel", entry.getKey())
                    .put("subscribers", entry.getValue()));
    ArrayNode byRate = json.putArray("topByPublishRate");
    held.stream()
        .filter(channel -> channel.lastMinute() > 0)
        .sorted(
            Comparator.comparingInt(Backplane.Held::lastMinute)
                .reversed()
                .thenComparing(Backplane.Held::channel))
        .limit(TOP)
        .forEach(
            channel ->
                byRate
                    .addObject()
                    .put("channel", channel.channel())
                    .put("lastMinute", channel.lastMinute()));
    long historyMessages = 0;
    int largest = 0;
    for (Backplane.Held channel : held) {
      historyMessages += channel.historyMessages();
      largest = Math.max(largest, channel.historyMessages());
    }
    json.putObject("history")
        .put("messages", historyMessages)
        .put("largestChannel", largest)
        .put("maxPerChannel", config.history().size());
  }
}
