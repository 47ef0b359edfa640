package io.parley.harness.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.parley.harness.fault.Bandwidth;
import io.parley.harness.fault.Blackhole;
import io.parley.harness.fault.Direction;
import io.parley.harness.fault.Fault;
import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.FaultType;
import io.parley.harness.fault.Latency;
import io.parley.harness.fault.RefuseConnections;
import io.parley.harness.fault.ResetPeer;
import io.parley.harness.fault.Slicer;
import io.parley.harness.fault.Timeout;
import io.parley.harness.fault.UpgradeFilter;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stateless and thread-safe: reads a {@link Scenario} from YAML ({@code .yaml}, {@code .yml}) or
 * JSON, rejecting unknown fields and bad values with a {@link ScenarioException} that names the
 * field. The format is documented in {@code test-harness/README.md}; faults use the control API's
 * names and attributes ({@code docs/faults.md}).
 */
public final class ScenarioFile {

  /** Defaults for a scenario that does not say otherwise. */
  static final Duration DEFAULT_SETTLE = Duration.ofSeconds(30);

  private static final List<Transport> DEFAULT_TRANSPORTS =
      List.of(Transport.WEBSOCKET, Transport.HTTP_LONG_POLL, Transport.HTTP_POLL);
  private static final Set<String> TOP =
      Set.of(
          "name",
          "description",
          "seed",
          "server",
          "proxy",
          "clients",
          "channels",
          "publishers",
          "timeline",
          "expect",
          "settle_timeout");
  private static final int MAX_REPEAT = 1000;
  private static final int MAX_NODES = 8;

  /** The steps written as one word. */
  private static final String SIMPLE_STEPS =
      "connect, clear_faults, disconnect_all, kill_server, start_server, restart_server,"
          + " stop_redis, kill_redis, start_redis";

  /** Server properties the runner sets from {@code server.backplane}; a file may not set them. */
  private static final Set<String> RUNNER_PROPERTIES =
      Set.of("realtime.backplane", "realtime.redis.key-prefix", "quarkus.redis.hosts");

  /** What the timeline's steps may refer to: the backplane and the number of nodes. */
  private record Topology(Scenario.Backplane backplane, int nodes) {}

  private ScenarioFile() {}

  /**
   * Reads the scenario in {@code file}.
   *
   * @throws ScenarioException naming the field at fault
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Scenario read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario " + file, e);
    }
    String fileName = file.getFileName().toString();
    boolean json = fileName.toLowerCase(Locale.ROOT).endsWith(".json");
    String fallbackName = fileName.replaceFirst("\\.[^.]*$", "");
    return parse(text, json, fallbackName);
  }

  /**
   * Reads a scenario from text.
   *
   * @param json true for JSON, false for YAML
   * @param fallbackName the name when the text has none (the file's base name)
   * @throws ScenarioException naming the field at fault
   */
  public static Scenario parse(String text, boolean json, String fallbackName) {
    ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ScenarioException(null, "not valid " + (json ? "JSON" : "YAML") + ": " + e);
    }
    Node top = new Node(root, "");
    top.requireObject();
    top.rejectUnknown(TOP);
    String name = top.child("name").text(fallbackName);
    String description = top.child("description").text("");
    long seed = top.child("seed").integer(0L, Long.MIN_VALUE, Long.MAX_VALUE);

    Map<String, String> properties = new LinkedHashMap<>();
    Scenario.Backplane backplane = Scenario.Backplane.MEMORY;
    int nodes = 1;
    Node server = top.child("server");
    if (server.present()) {
      server.requireObject();
      server.rejectUnknown(Set.of("properties", "backplane", "nodes"));
      Node props = server.child("properties");
      if (props.present()) {
        props.requireObject();
        props
            .node
            .fields()
            .forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
        for (String key : properties.keySet()) {
          if (RUNNER_PROPERTIES.contains(key)) {
            throw new ScenarioException(
                props.path + "." + key,
                "set by the runner; choose the backplane with server.backplane (memory or redis)");
          }
        }
      }
      if (server.child("backplane").present()) {
        backplane = server.child("backplane").enumValue(Scenario.Backplane.class);
      }
      Node nodesNode = server.child("nodes");
      nodes = (int) nodesNode.integer(1L, 1, MAX_NODES);
      if (nodes > 1 && backplane != Scenario.Backplane.REDIS) {
        throw new ScenarioException(
            nodesNode.path,
            nodes
                + " nodes need server.backplane: redis (with memory each node has its own"
                + " channels)");
      }
    }
    Topology topology = new Topology(backplane, nodes);
    int maxHeld = 0;
    Node proxy = top.child("proxy");
    if (proxy.present()) {
      proxy.requireObject();
      proxy.rejectUnknown(Set.of("max_held_bytes"));
      maxHeld = (int) proxy.child("max_held_bytes").integer(0L, 1, Integer.MAX_VALUE);
    }

    Scenario.ClientSpec clients = readClients(top.child("clients"));
    List<String> channels = readChannels(top.child("channels"));
    List<Scenario.PublisherSpec> publishers = readPublishers(top.child("publishers"));
    List<Step> timeline = new ArrayList<>();
    Node steps = top.child("timeline");
    steps.requirePresent();
    readSteps(steps, timeline, topology);
    Scenario.Expectations expect = readExpect(top.child("expect"));
    Duration settle = top.child("settle_timeout").duration(DEFAULT_SETTLE);
    return new Scenario(
        name,
        description,
        seed,
        properties,
        backplane,
        nodes,
        maxHeld,
        clients,
        channels,
        publishers,
        timeline,
        expect,
        settle);
  }

  private static Scenario.ClientSpec readClients(Node node) {
    node.requirePresent();
    node.requireObject();
    node.rejectUnknown(
        Set.of(
            "count",
            "transports",
            "connect_timeout",
            "probe_interval",
            "backoff",
            "long_poll_wait",
            "poll_interval",
            "token_lifetime"));
    int count = (int) node.child("count").integer(1L, 1, 100_000);
    List<Transport> transports = DEFAULT_TRANSPORTS;
    Node ladder = node.child("transports");
    if (ladder.present()) {
      transports = new ArrayList<>();
      for (Node item : ladder.items()) {
        Transport transport = item.enumValue(Transport.class);
        if (transports.contains(transport)) {
          throw new ScenarioException(item.path, transport + " is listed twice");
        }
        transports.add(transport);
      }
      if (transports.isEmpty()) {
        throw new ScenarioException(ladder.path, "expected at least one transport");
      }
    }
    Node backoff = node.child("backoff");
    Duration base = Duration.ofMillis(200);
    Duration cap = Duration.ofSeconds(2);
    if (backoff.present()) {
      backoff.requireObject();
      backoff.rejectUnknown(Set.of("base", "cap"));
      base = backoff.child("base").positiveDuration(base);
      cap = backoff.child("cap").positiveDuration(cap);
    }
    return new Scenario.ClientSpec(
        count,
        transports,
        node.child("connect_timeout").positiveDuration(Duration.ofSeconds(3)),
        node.child("probe_interval").positiveDuration(Duration.ofSeconds(2)),
        base,
        cap,
        node.child("long_poll_wait").positiveDuration(Duration.ofSeconds(5)),
        node.child("poll_interval").positiveDuration(Duration.ofMillis(500)),
        node.child("token_lifetime").present()
            ? node.child("token_lifetime").positiveDuration(null)
            : null);
  }

  private static List<String> readChannels(Node node) {
    if (!node.present()) {
      return List.of("scenario");
    }
    List<String> channels = new ArrayList<>();
    for (Node item : node.items()) {
      String channel = item.text(null);
      if (!ChannelName.isValid(channel) || channel.startsWith("session:")) {
        throw new ScenarioException(item.path, "not a channel name a client may use: " + channel);
      }
      channels.add(channel);
    }
    if (channels.isEmpty() || Set.copyOf(channels).size() != channels.size()) {
      throw new ScenarioException(node.path, "expected one or more distinct channels");
    }
    return channels;
  }

  private static List<Scenario.PublisherSpec> readPublishers(Node node) {
    List<Scenario.PublisherSpec> publishers = new ArrayList<>();
    if (!node.present()) {
      return publishers;
    }
    for (Node item : node.items()) {
      item.requireObject();
      item.rejectUnknown(Set.of("kind", "via", "rate", "payload_bytes"));
      Scenario.Kind kind =
          item.child("kind").present()
              ? item.child("kind").enumValue(Scenario.Kind.class)
              : Scenario.Kind.HTTP;
      Scenario.Route route =
          item.child("via").present()
              ? item.child("via").enumValue(Scenario.Route.class)
              : Scenario.Route.SERVER;
      double rate = item.child("rate").number(10, 0.1, 10_000);
      int payload = (int) item.child("payload_bytes").integer(0L, 0, 60_000);
      publishers.add(new Scenario.PublisherSpec(kind, route, rate, payload));
    }
    return publishers;
  }

  private static void readSteps(Node list, List<Step> into, Topology topology) {
    for (Node item : list.items()) {
      into.addAll(readStep(item, topology));
      if (into.size() > 10_000) {
        throw new ScenarioException(item.path, "the timeline expands to more than 10,000 steps");
      }
    }
  }

  private static List<Step> readStep(Node item, Topology topology) {
    if (item.node.isTextual()) {
      return List.of(simpleStep(item, item.node.asText(), topology));
    }
    item.requireObject();
    if (item.node.size() != 1) {
      throw new ScenarioException(item.path, "expected one step per list item");
    }
    String kind = item.node.fieldNames().next();
    Node body = item.child(kind);
    switch (kind) {
      case "fault":
        return List.of(new Step.AddFault(readFault(body)));
      case "remove":
        return List.of(new Step.RemoveFault(body.text(null)));
      case "wait":
        return List.of(new Step.Wait(body.duration(null)));
      case "await":
        return List.of(readAwait(body));
      case "kill_node":
        return List.of(new Step.KillNode(node(body, topology)));
      case "start_node":
        return List.of(new Step.StartNode(node(body, topology)));
      case "restart_node":
        return List.of(new Step.RestartNode(node(body, topology)));
      case "repeat":
        {
          body.requireObject();
          body.rejectUnknown(Set.of("times", "steps"));
          int times = (int) body.child("times").integer(null, 1, MAX_REPEAT);
          List<Step> once = new ArrayList<>();
          Node steps = body.child("steps");
          steps.requirePresent();
          readSteps(steps, once, topology);
          List<Step> all = new ArrayList<>();
          for (int i = 0; i < times; i++) {
            all.addAll(once);
          }
          return all;
        }
      default:
        if (body.node.isNull() || (body.node.isObject() && body.node.isEmpty())) {
          return List.of(simpleStep(item, kind, topology));
        }
        throw new ScenarioException(
            item.path + "." + kind,
            "unknown step; expected one of fault, remove, wait, await, repeat, kill_node,"
                + " start_node, restart_node, "
                + SIMPLE_STEPS);
    }
  }

  private static Step simpleStep(Node at, String word, Topology topology) {
    if (word.equals("kill_node") || word.equals("start_node") || word.equals("restart_node")) {
      // Written as a word, without its index: the same message as an object without one.
      node(new Node(null, at.path + "." + word), topology);
    }
    Step step =
        switch (word) {
          case "connect" -> new Step.Connect();
          case "clear_faults" -> new Step.ClearFaults();
          case "disconnect_all" -> new Step.DisconnectAll();
          case "kill_server" -> new Step.KillServer();
          case "start_server" -> new Step.StartServer();
          case "restart_server" -> new Step.RestartServer();
          case "stop_redis" -> new Step.StopRedis();
          case "kill_redis" -> new Step.KillRedis();
          case "start_redis" -> new Step.StartRedis();
          default ->
              throw new ScenarioException(
                  at.path,
                  "unknown step '"
                      + word
                      + "'; expected "
                      + SIMPLE_STEPS
                      + ", or an object: fault, remove, wait, await, repeat, kill_node,"
                      + " start_node, restart_node");
        };
    boolean needsRedis =
        step instanceof Step.StopRedis
            || step instanceof Step.KillRedis
            || step instanceof Step.StartRedis;
    if (needsRedis && topology.backplane() != Scenario.Backplane.REDIS) {
      throw new ScenarioException(
          at.path, "'" + word + "' needs server.backplane: redis (the runner's own Redis)");
    }
    return step;
  }

  /** A node index for {@code kill_node} and the like: 0 to {@code nodes - 1}. */
  private static int node(Node body, Topology topology) {
    if (!body.present() || !body.node.isIntegralNumber() || !body.node.canConvertToInt()) {
      throw new ScenarioException(
          body.path,
          "expected a node index, 0 to "
              + (topology.nodes() - 1)
              + ", such as "
              + body.path.substring(body.path.lastIndexOf('.') + 1)
              + ": 0");
    }
    int node = body.node.asInt();
    if (node < 0 || node >= topology.nodes()) {
      throw new ScenarioException(
          body.path,
          "no node "
              + node
              + ": the scenario has "
              + topology.nodes()
              + (topology.nodes() == 1
                  ? " node (0)"
                  : " nodes (0 to " + (topology.nodes() - 1) + ")")
              + "; set server.nodes");
    }
    return node;
  }

  private static Step.Await readAwait(Node body) {
    body.requireObject();
    body.rejectUnknown(Set.of("status", "transport", "timeout"));
    Set<ConnectionStatus> statuses = EnumSet.noneOf(ConnectionStatus.class);
    Node status = body.child("status");
    status.requirePresent();
    if (status.node.isArray()) {
      for (Node item : status.items()) {
        statuses.add(item.enumValue(ConnectionStatus.class));
      }
    } else {
      statuses.add(status.enumValue(ConnectionStatus.class));
    }
    Transport transport =
        body.child("transport").present()
            ? body.child("transport").enumValue(Transport.class)
            : null;
    return new Step.Await(
        statuses, transport, body.child("timeout").positiveDuration(Duration.ofSeconds(20)));
  }

  /**
   * A fault as the control API spells it: {@code {name?, type, stream?, toxicity?, attributes?}}.
   */
  private static FaultRule readFault(Node body) {
    body.requireObject();
    body.rejectUnknown(Set.of("name", "type", "stream", "toxicity", "attributes"));
    Node typeNode = body.child("type");
    typeNode.requirePresent();
    FaultType type;
    try {
      type = FaultType.fromWireName(typeNode.text(null));
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(typeNode.path, e.getMessage());
    }
    Direction direction = Direction.DOWNSTREAM;
    if (body.child("stream").present()) {
      try {
        direction = Direction.fromWireName(body.child("stream").text(null));
      } catch (IllegalArgumentException e) {
        throw new ScenarioException(body.child("stream").path, e.getMessage());
      }
    }
    double toxicity = body.child("toxicity").number(1.0, 0.0, 1.0);
    String name = body.child("name").text(type.wireName() + "_" + direction.wireName());
    Node attributes = body.child("attributes");
    if (attributes.present()) {
      attributes.requireObject();
    }
    Fault fault = readFaultAttributes(type, attributes);
    try {
      return new FaultRule(name, direction, toxicity, fault);
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(body.path, e.getMessage());
    }
  }

  private static Fault readFaultAttributes(FaultType type, Node a) {
    Set<String> known =
        switch (type) {
          case LATENCY -> Set.of("latency_ms", "jitter_ms");
          case BANDWIDTH -> Set.of("bytes_per_second");
          case SLICER -> Set.of("average_size", "size_variation", "delay_ms");
          case RESET_PEER -> Set.of("after_bytes");
          case TIMEOUT -> Set.of("timeout_ms");
          case UPGRADE_FILTER -> Set.of("mode");
          case BLACKHOLE, REFUSE_CONNECTIONS -> Set.of();
        };
    if (a.present()) {
      a.rejectUnknown(known);
    }
    try {
      return switch (type) {
        case LATENCY ->
            new Latency(
                Duration.ofMillis(a.child("latency_ms").integer(null, 0, Integer.MAX_VALUE)),
                Duration.ofMillis(a.child("jitter_ms").integer(0L, 0, Integer.MAX_VALUE)));
        case BANDWIDTH ->
            new Bandwidth(a.child("bytes_per_second").integer(null, 1, Long.MAX_VALUE));
        case SLICER ->
            new Slicer(
                (int) a.child("average_size").integer(null, 1, Integer.MAX_VALUE),
                (int) a.child("size_variation").integer(0L, 0, Integer.MAX_VALUE),
                Duration.ofMillis(a.child("delay_ms").integer(0L, 0, Integer.MAX_VALUE)));
        case RESET_PEER -> new ResetPeer(a.child("after_bytes").integer(0L, 0, Long.MAX_VALUE));
        case BLACKHOLE -> new Blackhole();
        case REFUSE_CONNECTIONS -> new RefuseConnections();
        case TIMEOUT ->
            new Timeout(Duration.ofMillis(a.child("timeout_ms").integer(0L, 0, Integer.MAX_VALUE)));
        case UPGRADE_FILTER -> {
          Node mode = a.child("mode");
          mode.requirePresent();
          yield new UpgradeFilter(UpgradeFilter.Mode.fromWireName(mode.text(null)));
        }
      };
    } catch (ScenarioException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(a.path, e.getMessage());
    }
  }

  private static Scenario.Expectations readExpect(Node node) {
    if (!node.present()) {
      return new Scenario.Expectations(
          Scenario.GapPolicy.FORBIDDEN, null, 0, Scenario.Reconnects.ALLOWED);
    }
    node.requireObject();
    node.rejectUnknown(Set.of("gaps", "min_reconnect_spread", "min_token_refreshes", "reconnects"));
    Scenario.GapPolicy gaps =
        node.child("gaps").present()
            ? node.child("gaps").enumValue(Scenario.GapPolicy.class)
            : Scenario.GapPolicy.FORBIDDEN;
    Duration spread =
        node.child("min_reconnect_spread").present()
            ? node.child("min_reconnect_spread").duration(null)
            : null;
    int refreshes = (int) node.child("min_token_refreshes").integer(0L, 0, 1_000);
    Scenario.Reconnects reconnects =
        node.child("reconnects").present()
            ? node.child("reconnects").enumValue(Scenario.Reconnects.class)
            : Scenario.Reconnects.ALLOWED;
    return new Scenario.Expectations(gaps, spread, refreshes, reconnects);
  }

  /** A JSON node with its path, for error messages. Not thread-safe; used during one parse. */
  private record Node(JsonNode node, String path) {

    boolean present() {
      return node != null && !node.isNull() && !node.isMissingNode();
    }

    void requirePresent() {
      if (!present()) {
        throw new ScenarioException(path, "required");
      }
    }

    void requireObject() {
      if (!present() || !node.isObject()) {
        throw new ScenarioException(path.isEmpty() ? "(top)" : path, "expected an object");
      }
    }

    Node child(String name) {
      return new Node(
          node == null ? null : node.get(name), path.isEmpty() ? name : path + "." + name);
    }

    List<Node> items() {
      if (!present() || !node.isArray()) {
        throw new ScenarioException(path, "expected a list");
      }
      List<Node> items = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        items.add(new Node(node.get(i), path + "[" + i + "]"));
      }
      return items;
    }

    void rejectUnknown(Set<String> known) {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!known.contains(name)) {
          throw new ScenarioException(
              path.isEmpty() ? name : path + "." + name,
              "unknown field; expected one of "
                  + known.stream().sorted().collect(Collectors.joining(", ")));
        }
      }
    }

    String text(String fallback) {
      if (!present()) {
        if (fallback == null) {
          throw new ScenarioException(path, "required");
        }
        return fallback;
      }
      if (!node.isValueNode()) {
        throw new ScenarioException(path, "expected text");
      }
      return node.asText();
    }

    long integer(Long fallback, long min, long max) {
      if (!present()) {
        if (fallback == null) {
          throw new ScenarioException(path, "required");
        }
        return fallback;
      }
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        throw new ScenarioException(path, "expected a whole number but was " + node);
      }
      long value = node.asLong();
      if (value < min || value > max) {
        throw new ScenarioException(path, "expected " + min + " to " + max + " but was " + value);
      }
      return value;
    }

    double number(double fallback, double min, double max) {
      if (!present()) {
        return fallback;
      }
      if (!node.isNumber() || !(node.asDouble() >= min && node.asDouble() <= max)) {
        throw new ScenarioException(path, "expected a number from " + min + " to " + max);
      }
      return node.asDouble();
    }

    Duration duration(Duration fallback) {
      if (!present()) {
        if (fallback == null) {
          throw new ScenarioException(path, "required");
        }
        return fallback;
      }
      if (node.isIntegralNumber()) {
        throw new ScenarioException(
            path, "expected a duration with its unit, such as " + node + "ms");
      }
      try {
        return Durations.parse(node.asText());
      } catch (IllegalArgumentException e) {
        throw new ScenarioException(path, e.getMessage());
      }
    }

    Duration positiveDuration(Duration fallback) {
      Duration value = duration(fallback);
      if (value.isZero()) {
        throw new ScenarioException(path, "expected a positive duration");
      }
      return value;
    }

    <E extends Enum<E>> E enumValue(Class<E> type) {
      String text = text(null);
      for (E value : type.getEnumConstants()) {
        if (value.name().equalsIgnoreCase(text)) {
          return value;
        }
      }
      throw new ScenarioException(
          path,
          "expected one of "
              + Arrays.stream(type.getEnumConstants())
                  .map(e -> e.name().toLowerCase(Locale.ROOT))
                  .collect(Collectors.joining(", "))
              + " but was '"
              + text
              + "'");
    }
  }
}
