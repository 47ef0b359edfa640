package io.parley.harness.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Immutable and thread-safe: the outcome of one scenario run, written as JSON ({@link #toJson()})
 * and as a table for people ({@link #toText()}). All times are milliseconds on the scenario clock,
 * which starts when the run starts.
 *
 * @param scenario the scenario's name
 * @param description what it does
 * @param passed whether every invariant and expectation held
 * @param seed the seed used
 * @param clients subscribing clients
 * @param channels the channels
 * @param server where the server was ({@code started <url>} or {@code external <url>})
 * @param brokenMode the harness self-test mode; {@code NONE} for a real run
 * @param durationMillis how long the run took
 * @param verdict the invariant check
 * @param publishRefusals failed attempts of HTTP publishers, each retried with the same id, by
 *     reason: the server's error code ({@code SERVER_UNAVAILABLE}) or the exception's type. A
 *     client publisher's retries happen inside its outbox and are not counted here
 * @param detection time from each failure to each client's detection of it
 * @param working time from each failure (or connect) to each client's next working transport
 * @param climb time from each recovery to each client's return to the best transport
 * @param reconnectSpreadMillis the largest spread (p90 - p10) of reconnect times after a failure
 * @param marks the times per failure and recovery
 * @param timeline each step with its start time and outcome
 * @param statusTransitions how often each status change happened, over all clients
 * @param transportChanges how often each transport change happened, over all clients
 * @param clientTransitions per client, its changes as {@code "<ms> status A->B"}
 * @param violations why it failed; empty when it passed
 */
public record ScenarioReport(
    String scenario,
    String description,
    boolean passed,
    long seed,
    int clients,
    List<String> channels,
    String server,
    BrokenMode brokenMode,
    long durationMillis,
    InvariantChecker.Verdict verdict,
    Map<String, Integer> publishRefusals,
    Timings.Stats detection,
    Timings.Stats working,
    Timings.Stats climb,
    long reconnectSpreadMillis,
    List<Timings.MarkTimes> marks,
    List<StepRecord> timeline,
    Map<String, Integer> statusTransitions,
    Map<String, Integer> transportChanges,
    List<List<String>> clientTransitions,
    List<String> violations) {

  public ScenarioReport {
    channels = List.copyOf(channels);
    publishRefusals = Map.copyOf(publishRefusals);
    marks = List.copyOf(marks);
    timeline = List.copyOf(timeline);
    statusTransitions = Map.copyOf(statusTransitions);
    transportChanges = Map.copyOf(transportChanges);
    clientTransitions = List.copyOf(clientTransitions);
    violations = List.copyOf(violations);
  }

  /**
   * Immutable and thread-safe: one timeline step as it ran.
   *
   * @param atMillis when it started
   * @param step what it was
   * @param outcome {@code ok}, or what went wrong, or how long an await took
   */
  public record StepRecord(long atMillis, String step, String outcome) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The report as indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report as JSON", e);
    }
  }

  /** Writes {@code <name>.json} and {@code <name>.txt} into {@code dir}, creating it. */
  public void writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(scenario + ".json"), toJson());
      Files.writeString(dir.resolve(scenario + ".txt"), toText());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + dir, e);
    }
  }

  /** The report as a table for people. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    InvariantChecker.Verdict v = verdict;
    out.append(
        String.format(
            Locale.ROOT,
            "scenario %s: %s  (%s, %d clients, %d channels, seed %d%s)%n",
            scenario,
            passed ? "PASS" : "FAIL",
            seconds(durationMillis),
            clients,
            channels.size(),
            seed,
            brokenMode == BrokenMode.NONE ? "" : ", broken client: " + brokenMode));
    out.append("  ").append(description).append('\n');
    out.append(String.format(Locale.ROOT, "  %-22s %s%n", "server", server));
    out.append(
        String.format(
            Locale.ROOT,
            "  %-22s %d published, %d acked, %d unacked%n",
            "messages",
            v.published(),
            v.acknowledged(),
            v.unacknowledged()));
    out.append(
        String.format(
            Locale.ROOT,
            "  %-22s %d delivered, %d lost, %d duplicated, %d out of order%n",
            "subscribers",
            v.delivered(),
            v.lost(),
            v.duplicated(),
            v.outOfOrder()));
    out.append(
        String.format(
            Locale.ROOT,
            "  %-22s %d gaps signalled, %d applied twice, %d re-applied after a restart%n",
            "",
            v.gapsSignalled(),
            v.appliedTwice(),
            v.reappliedAcrossEpochs()));
    out.append(
        String.format(Locale.ROOT, "  %-22s %s%n", "publish refusals", counts(publishRefusals)));
    out.append(String.format(Locale.ROOT, "  %-22s %s%n", "detection", stats(detection)));
    out.append(String.format(Locale.ROOT, "  %-22s %s%n", "working transport", stats(working)));
    out.append(String.format(Locale.ROOT, "  %-22s %s%n", "climb back", stats(climb)));
    if (reconnectSpreadMillis > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %-22s %s (p10 to p90)%n",
              "reconnect spread",
              millis(reconnectSpreadMillis)));
    }
    out.append("  timeline\n");
    for (StepRecord step : timeline) {
      out.append(
          String.format(
              Locale.ROOT,
              "    %8s  %-48s %s%n",
              seconds(step.atMillis()),
              step.step(),
              step.outcome()));
    }
    out.append("  status changes   ").append(counts(statusTransitions)).append('\n');
    out.append("  transport changes ").append(counts(transportChanges)).append('\n');
    if (violations.isEmpty()) {
      out.append("  violations       none\n");
    } else {
      out.append("  violations\n");
      violations.forEach(line -> out.append("    - ").append(line).append('\n'));
    }
    return out.toString();
  }

  /** {@code p50 120 ms, max 300 ms (5)} or {@code -}. */
  static String stats(Timings.Stats stats) {
    if (stats.count() == 0) {
      return "-";
    }
    return "p50 "
        + millis(stats.p50())
        + ", max "
        + millis(stats.max())
        + " ("
        + stats.count()
        + ")";
  }

  static String millis(long millis) {
    return millis < 10_000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static String counts(Map<String, Integer> counts) {
    if (counts.isEmpty()) {
      return "none";
    }
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .map(e -> e.getKey() + " x" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
