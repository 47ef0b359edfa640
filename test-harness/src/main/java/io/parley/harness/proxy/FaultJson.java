package io.parley.harness.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts fault rules to and from the control API's JSON, rejecting bad input with the field at
 * fault. Stateless and thread-safe.
 *
 * <p>Attributes carry their unit in their name ({@code latency_ms}, {@code bytes_per_second}), so a
 * request reads unambiguously; times are whole milliseconds.
 */
final class FaultJson {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static final Set<String> RULE_FIELDS =
      Set.of("name", "type", "stream", "toxicity", "attributes");

  /** Each type's attributes, in documentation order. */
  private static final Map<FaultType, List<String>> ATTRIBUTES =
      Map.of(
          FaultType.LATENCY, List.of("latency_ms", "jitter_ms"),
          FaultType.BANDWIDTH, List.of("bytes_per_second"),
          FaultType.SLICER, List.of("average_size", "size_variation", "delay_ms"),
          FaultType.RESET_PEER, List.of("after_bytes"),
          FaultType.BLACKHOLE, List.of(),
          FaultType.REFUSE_CONNECTIONS, List.of(),
          FaultType.TIMEOUT, List.of("timeout_ms"),
          FaultType.UPGRADE_FILTER, List.of("mode"));

  private FaultJson() {}

  /**
   * Reads a rule: {@code {name, type, stream, toxicity, attributes}}. Defaults as in Toxiproxy:
   * stream {@code downstream}, toxicity 1, name {@code <type>_<stream>}.
   *
   * @throws ApiException 400 naming the field at fault
   */
  static FaultRule readRule(JsonNode body) {
    requireObject(body, "body");
    rejectUnknown(body, RULE_FIELDS, "", "name, type, stream, toxicity, attributes");
    FaultType type = readType(body.get("type"));
    Direction direction = Direction.DOWNSTREAM;
    JsonNode stream = body.get("stream");
    if (stream != null && !stream.isNull()) {
      if (!stream.isTextual()) {
        throw ApiException.badInput("stream", "expected \"upstream\" or \"downstream\"");
      }
      try {
        direction = Direction.fromWireName(stream.asText());
      } catch (IllegalArgumentException e) {
        throw ApiException.badInput("stream", e.getMessage());
      }
    }
    if (type == FaultType.UPGRADE_FILTER && direction != Direction.UPSTREAM) {
      throw ApiException.badInput(
          "stream", "an upgrade_filter reads requests, so stream must be \"upstream\"");
    }
    double toxicity = 1.0;
    JsonNode toxicityNode = body.get("toxicity");
    if (toxicityNode != null && !toxicityNode.isNull()) {
      if (!toxicityNode.isNumber()
          || !(toxicityNode.asDouble() >= 0.0 && toxicityNode.asDouble() <= 1.0)) {
        throw ApiException.badInput("toxicity", "expected a number from 0 to 1");
      }
      toxicity = toxicityNode.asDouble();
    }
    String name = type.wireName() + "_" + direction.wireName();
    JsonNode nameNode = body.get("name");
    if (nameNode != null && !nameNode.isNull()) {
      if (!nameNode.isTextual()) {
        throw ApiException.badInput("name", "expected a string");
      }
      name = nameNode.asText();
    }
    JsonNode attributes = body.get("attributes");
    if (attributes == null || attributes.isNull()) {
      attributes = JSON.objectNode();
    }
    requireObject(attributes, "attributes");
    Fault fault = readFault(type, attributes);
    try {
      return new FaultRule(name, direction, toxicity, fault);
    } catch (IllegalArgumentException e) {
      throw ApiException.badInput("name", e.getMessage());
    }
  }

  private static FaultType readType(JsonNode type) {
    if (type == null || type.isNull()) {
      throw ApiException.badInput("type", "required; one of " + FaultType.wireNames());
    }
    if (!type.isTextual()) {
      throw ApiException.badInput("type", "expected a string, one of " + FaultType.wireNames());
    }
    try {
      return FaultType.fromWireName(type.asText());
    } catch (IllegalArgumentException e) {
      throw ApiException.badInput("type", e.getMessage());
    }
  }

  private static Fault readFault(FaultType type, JsonNode attributes) {
    List<String> known = ATTRIBUTES.get(type);
    rejectUnknown(
        attributes,
        Set.copyOf(known),
        "attributes.",
        known.isEmpty() ? "none for " + type.wireName() : String.join(", ", known));
    Attributes in = new Attributes(attributes);
    return switch (type) {
      case LATENCY ->
          new Latency(in.millis("latency_ms", null), in.millis("jitter_ms", Duration.ZERO));
      case BANDWIDTH -> new Bandwidth(in.integer("bytes_per_second", null, 1, Long.MAX_VALUE));
      case SLICER -> {
        int average = (int) in.integer("average_size", null, 1, Integer.MAX_VALUE);
        int variation = (int) in.integer("size_variation", 0L, 0, Integer.MAX_VALUE);
        if (variation >= average) {
          throw ApiException.badInput(
              "attributes.size_variation",
              "expected less than average_size (" + average + ") but was " + variation);
        }
        yield new Slicer(average, variation, in.millis("delay_ms", Duration.ZERO));
      }
      case RESET_PEER -> new ResetPeer(in.integer("after_bytes", 0L, 0, Long.MAX_VALUE));
      case BLACKHOLE -> new Blackhole();
      case REFUSE_CONNECTIONS -> new RefuseConnections();
      case TIMEOUT -> new Timeout(in.millis("timeout_ms", Duration.ZERO));
      case UPGRADE_FILTER -> new UpgradeFilter(in.mode("mode"));
    };
  }

  /** Writes a rule in the shape {@link #readRule} reads. */
  static ObjectNode write(FaultRule rule) {
    ObjectNode node = JSON.objectNode();
    node.put("name", rule.name());
    node.put("type", rule.fault().type().wireName());
    node.put("stream", rule.direction().wireName());
    node.put("toxicity", rule.toxicity());
    node.set("attributes", attributes(rule.fault()));
    return node;
  }

  private static ObjectNode attributes(Fault fault) {
    ObjectNode node = JSON.objectNode();
    if (fault instanceof Latency latency) {
      node.put("latency_ms", latency.latency().toMillis());
      node.put("jitter_ms", latency.jitter().toMillis());
    } else if (fault instanceof Bandwidth bandwidth) {
      node.put("bytes_per_second", bandwidth.bytesPerSecond());
    } else if (fault instanceof Slicer slicer) {
      node.put("average_size", slicer.averageSize());
      node.put("size_variation", slicer.sizeVariation());
      node.put("delay_ms", slicer.delay().toMillis());
    } else if (fault instanceof ResetPeer reset) {
      node.put("after_bytes", reset.afterBytes());
    } else if (fault instanceof Timeout timeout) {
      node.put("timeout_ms", timeout.after().toMillis());
    } else if (fault instanceof UpgradeFilter filter) {
      node.put("mode", filter.mode().wireName());
    }
    return node;
  }

  static void requireObject(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      throw ApiException.badInput(field, "expected a JSON object");
    }
  }

  static void rejectUnknown(JsonNode object, Set<String> known, String prefix, String expected) {
    Iterator<String> names = object.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw ApiException.badInput(prefix + name, "unknown field; expected " + expected);
      }
    }
  }

  /** Typed reads of one fault's attributes. */
  private record Attributes(JsonNode node) {

    long integer(String name, Long fallback, long min, long max) {
      JsonNode value = node.get(name);
      if (value == null || value.isNull()) {
        if (fallback == null) {
          throw ApiException.badInput("attributes." + name, "required");
        }
        return fallback;
      }
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        throw ApiException.badInput(
            "attributes." + name, "expected a whole number but was " + value);
      }
      long n = value.asLong();
      if (n < min || n > max) {
        throw ApiException.badInput(
            "attributes." + name,
            "expected "
                + (max == Long.MAX_VALUE ? "at least " + min : min + " to " + max)
                + " but was "
                + n);
      }
      return n;
    }

    Duration millis(String name, Duration fallback) {
      Long fallbackMillis = fallback == null ? null : fallback.toMillis();
      return Duration.ofMillis(integer(name, fallbackMillis, 0, Long.MAX_VALUE / 1_000_000));
    }

    UpgradeFilter.Mode mode(String name) {
      JsonNode value = node.get(name);
      if (value == null || value.isNull()) {
        throw ApiException.badInput("attributes." + name, "required; \"strip\" or \"refuse\"");
      }
      if (!value.isTextual()) {
        throw ApiException.badInput("attributes." + name, "expected \"strip\" or \"refuse\"");
      }
      try {
        return UpgradeFilter.Mode.fromWireName(value.asText());
      } catch (IllegalArgumentException e) {
        throw ApiException.badInput("attributes." + name, e.getMessage());
      }
    }
  }
}
