package io.parley.harness.scenario;

import io.parley.harness.Command;
import io.parley.harness.TokenOption;
import io.parley.harness.UsageException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Not thread-safe (run once): the {@code run} command, which runs scenario files and prints and
 * writes their reports.
 */
public final class RunCommand implements Command {

  private static final Set<String> OPTIONS =
      Set.of("--server", "--token", "--token-file", "--clients", "--report-dir", "--scorecard");

  @Override
  public String name() {
    return "run";
  }

  @Override
  public String summary() {
    return "run scenario files and check that nothing was lost, duplicated or reordered";
  }

  @Override
  public String usage() {
    return """
        usage: parley-harness run SCENARIO.yaml... [options]

          --server URL        use this running server (http://host:port) instead of starting
                              server/target/quarkus-app/quarkus-run.jar; scenarios that kill or
                              restart the server need the runner's own
          --token JWT         the token to present to the --server server (every client and
                              publisher uses it: give it the publisher role and the scenario's
                              channels, like the dev profile's token); the runner's own server
                              trusts tokens the runner mints itself
          --token-file FILE   the same, read from FILE (bin/parley-server writes
                              server/target/dev-token)
          --clients N         run with N subscribing clients instead of the file's number
          --report-dir DIR    where <scenario>.json and <scenario>.txt go (default scenario-reports)
          --scorecard FILE    also write the markdown scorecard of these runs (docs/reliability.md)

        Prints each step as it runs, then the report. Exit status 0 when every scenario passed,
        1 when one failed, 2 for bad usage.
        example: parley-harness run test-harness/scenarios/rst-mid-stream.yaml
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out) throws InterruptedException {
    List<Path> files = new ArrayList<>();
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith("--")) {
        if (!OPTIONS.contains(arg)) {
          throw new UsageException(
              arg, "unknown option; expected one of " + String.join(", ", OPTIONS));
        }
        if (i + 1 >= args.size()) {
          throw new UsageException(arg, "missing value");
        }
        if (options.put(arg, args.get(++i)) != null) {
          throw new UsageException(arg, "given twice");
        }
      } else {
        files.add(Path.of(arg));
      }
    }
    if (files.isEmpty()) {
      throw new UsageException(null, "name at least one scenario file");
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new UsageException(null, "no such scenario file: " + file);
      }
      try {
        Scenario scenario = ScenarioFile.read(file);
        if (options.containsKey("--clients")) {
          scenario = scenario.withClientCount(clients(options.get("--clients")));
        }
        scenarios.add(scenario);
      } catch (ScenarioException e) {
        throw new UsageException(null, file + ": " + e.getMessage());
      }
    }
    String token = TokenOption.of(options.get("--token"), options.get("--token-file"));
    if (token != null && !options.containsKey("--server")) {
      throw new UsageException(
          options.containsKey("--token") ? "--token" : "--token-file",
          "only with --server: the runner's own server trusts the tokens the runner mints");
    }
    ScenarioRunner runner;
    try {
      runner =
          ScenarioRunner.builder()
              .serverUrl(options.get("--server"))
              .token(token)
              .progress(out)
              .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--server", e.getMessage());
    }
    Path reportDir = Path.of(options.getOrDefault("--report-dir", "scenario-reports"));
    List<ScenarioReport> reports = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      ScenarioReport report;
      try {
        report = runner.run(scenario);
      } catch (IllegalArgumentException e) {
        // The only scenarios a runner refuses are those that need a server it may kill.
        throw new UsageException("--server", e.getMessage());
      }
      report.writeTo(reportDir);
      reports.add(report);
    }
    if (options.containsKey("--scorecard")) {
      Scorecard.write(
          Path.of(options.get("--scorecard")),
          reports,
          "parley-harness run " + String.join(" ", args),
          List.of());
    }
    long failed = reports.stream().filter(report -> !report.passed()).count();
    out.println(
        reports.size()
            + " scenario(s), "
            + failed
            + " failed; reports in "
            + reportDir.toAbsolutePath());
    return failed == 0 ? 0 : 1;
  }

  private static int clients(String text) {
    try {
      int count = Integer.parseInt(text);
      if (count < 1) {
        throw new UsageException("--clients", "expected at least 1 but was " + count);
      }
      return count;
    } catch (NumberFormatException e) {
      throw new UsageException("--clients", "expected a whole number but was '" + text + "'");
    }
  }
}
