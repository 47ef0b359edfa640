package io.parley.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one scenario run, in insertion order, as a JSON line or a table row. Not
 * thread-safe: filled by one runner.
 */
public final class BenchResult {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Object> figures = new LinkedHashMap<>();

  BenchResult put(String name, Object value) {
    figures.put(name, value);
    return this;
  }

  /** A figure by name, or null. */
  public Object get(String name) {
    return figures.get(name);
  }

  /** A numeric figure by name. */
  public long number(String name) {
    return ((Number) figures.get(name)).longValue();
  }

  /** All figures, in the order they were recorded. */
  public Map<String, Object> figures() {
    return Map.copyOf(figures);
  }

  /** One JSON object on one line. */
  public String toJsonLine() {
    ObjectNode node = JSON.createObjectNode();
    figures.forEach((name, value) -> node.set(name, JSON.valueToTree(value)));
    return node.toString();
  }

  /** A two-column table, one figure a row. */
  public String toTable() {
    StringBuilder out = new StringBuilder();
    int width = figures.keySet().stream().mapToInt(String::length).max().orElse(10);
    figures.forEach(
        (name, value) -> out.append(String.format("%-" + width + "s  %s%n", name, format(value))));
    return out.toString();
  }

  private static String format(Object value) {
    if (value instanceof Double d) {
      return String.format("%.2f", d);
    }
    return String.valueOf(value);
  }
}
