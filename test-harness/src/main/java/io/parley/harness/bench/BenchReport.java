package io.parley.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Turns the JSON lines of a benchmark suite into a Markdown table per scenario (the median of the
 * runs of each server, and its ratio to a reference server measured in the same suite) and PNG bar
 * charts. Not thread-safe; one report at a time.
 */
public final class BenchReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Color[] PALETTE = {
    new Color(0x2f6db5), new Color(0xe08a2b), new Color(0x3a9e5c), new Color(0xb03a48)
  };

  /** The figures compared per scenario, lower is better for each. */
  private static final Map<String, List<String>> FIGURES =
      Map.of(
          "fanout",
          List.of(
              "serverCpuUsPerDelivery",
              "latencyP50Ms",
              "latencyP99Ms",
              "latencyP999Ms",
              "wireBytesPerDelivery",
              "lost",
              "duplicated"),
          "channels",
          List.of("serverCpuUsPerDelivery", "latencyP99Ms", "ackP99Ms", "lost", "duplicated"),
          "idle",
          List.of(
              "serverRssPerConnectionKb",
              "serverRssMb",
              "serverLiveHeapPerConnectionKb",
              "serverLiveHeapMb",
              "serverCpuMsPerIdleConnectionPerMinute"),
          "connect",
          List.of("handshakeP50Ms", "handshakeP99Ms"));

  private final List<JsonNode> runs;

  private BenchReport(List<JsonNode> runs) {
    this.runs = runs;
  }

  /** Reads a suite's JSON lines; each needs {@code label} (the server) and {@code scenario}. */
  public static BenchReport read(Path jsonLines) {
    List<JsonNode> runs = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(jsonLines)) {
        if (!line.isBlank()) {
          runs.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jsonLines, e);
    }
    return new BenchReport(runs);
  }

  /**
   * Markdown: one table per scenario and setting, servers as rows, the median of their runs and the
   * ratio to {@code reference}.
   */
  public String markdown(String reference) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Map<String, List<JsonNode>>> group : groups().entrySet()) {
      String scenario =
          group.getValue().values().iterator().next().get(0).path("scenario").asText();
      List<String> figures = FIGURES.getOrDefault(scenario, List.of());
      out.append("### ").append(group.getKey()).append("\n\n| server | runs |");
      figures.forEach(f -> out.append(' ').append(f).append(" |"));
      out.append("\n|---|---|");
      figures.forEach(f -> out.append("---|"));
      out.append('\n');
      Map<String, Double> referenceValues = new LinkedHashMap<>();
      List<JsonNode> referenceRuns = group.getValue().get(reference);
      for (String figure : figures) {
        referenceValues.put(
            figure, referenceRuns == null ? Double.NaN : median(referenceRuns, figure));
      }
      for (Map.Entry<String, List<JsonNode>> server : group.getValue().entrySet()) {
        out.append("| ").append(server.getKey()).append(" | ").append(server.getValue().size());
        for (String figure : figures) {
          double value = median(server.getValue(), figure);
          double base = referenceValues.get(figure);
          out.append(" | ").append(format(value));
          if (!server.getKey().equals(reference) && base > 0 && !Double.isNaN(value)) {
            out.append(String.format(Locale.ROOT, " (%.2f×)", value / base));
          }
        }
        out.append(" |\n");
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Writes one bar chart per scenario group and figure into {@code directory}; returns them. */
  public List<Path> charts(Path directory, List<String> figures) {
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(directory);
      for (Map.Entry<String, Map<String, List<JsonNode>>> group : groups().entrySet()) {
        for (String figure : figures) {
          Map<String, Double> values = new LinkedHashMap<>();
          group.getValue().forEach((server, list) -> values.put(server, median(list, figure)));
          if (values.values().stream().allMatch(v -> Double.isNaN(v))) {
            continue;
          }
          Path file = directory.resolve(slug(group.getKey() + "-" + figure) + ".png");
          ImageIO.write(
              bars(group.getKey() + ": " + figure + " (median)", values), "png", file.toFile());
          written.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write charts to " + directory, e);
    }
    return written;
  }

  /** Runs grouped by scenario and setting, then by server label, in first-seen order. */
  private Map<String, Map<String, List<JsonNode>>> groups() {
    Map<String, Map<String, List<JsonNode>>> groups = new TreeMap<>();
    for (JsonNode run : runs) {
      String key =
          run.path("scenario").asText()
              + " · "
              + run.path("connections").asText()
              + " connections"
              + (run.has("rate") ? " · " + run.path("rate").asText() + " msg/s" : "")
              + (run.path("payloadBytes").asInt() > 0
                  ? " · " + run.path("payloadBytes").asText() + " B payload"
                  : "")
              + (run.path("compression").asText().equals("on") ? " · compression on" : "");
      groups
          .computeIfAbsent(key, k -> new LinkedHashMap<>())
          .computeIfAbsent(run.path("label").asText("?"), k -> new ArrayList<>())
          .add(run);
    }
    return groups;
  }

  private static double median(List<JsonNode> runs, String figure) {
    List<Double> values = new ArrayList<>();
    for (JsonNode run : runs) {
      if (run.has(figure) && run.get(figure).isNumber()) {
        values.add(run.get(figure).asDouble());
      }
    }
    if (values.isEmpty()) {
      return Double.NaN;
    }
    values.sort(null);
    int middle = values.size() / 2;
    return values.size() % 2 == 1
        ? values.get(middle)
        : (values.get(middle - 1) + values.get(middle)) / 2;
  }

  private static String format(double value) {
    if (Double.isNaN(value)) {
      return "—";
    }
    return value == Math.rint(value) && Math.abs(value) < 1e9
        ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String slug(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  private static BufferedImage bars(String title, Map<String, Double> values) {
    int width = 720;
    int height = 360;
    int left = 60;
    int bottom = 300;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, left, 28);
    double max =
        values.values().stream().filter(v -> !Double.isNaN(v)).max(Double::compare).orElse(1.0);
    max = max <= 0 ? 1 : max * 1.15;
    g.setStroke(new BasicStroke(1));
    g.drawLine(left, 50, left, bottom);
    g.drawLine(left, bottom, width - 20, bottom);
    int slot = (width - left - 40) / Math.max(1, values.size());
    int index = 0;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    for (Map.Entry<String, Double> entry : values.entrySet()) {
      double value = entry.getValue();
      int barHeight = Double.isNaN(value) ? 0 : (int) ((bottom - 60) * value / max);
      int x = left + 20 + index * slot;
      g.setColor(PALETTE[index % PALETTE.length]);
      g.fillRect(x, bottom - barHeight, slot - 30, barHeight);
      g.setColor(Color.DARK_GRAY);
      g.drawString(format(value), x, bottom - barHeight - 6);
      g.drawString(entry.getKey(), x, bottom + 20);
      index++;
    }
    g.dispose();
    return image;
  }
}
