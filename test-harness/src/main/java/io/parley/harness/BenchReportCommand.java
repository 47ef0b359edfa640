package io.parley.harness;

import io.parley.harness.bench.BenchReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code bench-report}: turns a suite's JSON lines into Markdown tables with ratios and PNG charts.
 * Not thread-safe (one run, on the main thread).
 */
final class BenchReportCommand implements Command {
  private static final Set<String> OPTIONS = Set.of("--results", "--reference", "--charts");

  @Override
  public String name() {
    return "bench-report";
  }

  @Override
  public String summary() {
    return "tables (with ratios to a reference server) and charts from bench results";
  }

  @Override
  public String usage() {
    return """
        usage: parley-harness bench-report --results FILE.jsonl [options]

          --results FILE      JSON lines written by bench/run-suite.sh (required)
          --reference LABEL   the server the ratios divide by; default node-socketio
          --charts DIR        where to write PNG charts; default: none
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out) {
    Options options = new Options(args, OPTIONS);
    if (!options.has("--results")) {
      throw new UsageException("--results", "required");
    }
    BenchReport report = BenchReport.read(Path.of(options.string("--results", null)));
    out.print(report.markdown(options.string("--reference", "node-socketio")));
    if (options.has("--charts")) {
      for (Path chart :
          report.charts(
              Path.of(options.string("--charts", null)),
              List.of(
                  "serverCpuUsPerDelivery",
                  "latencyP99Ms",
                  "serverRssPerConnectionKb",
                  "serverLiveHeapPerConnectionKb"))) {
        out.println("![" + chart.getFileName() + "](" + chart + ")");
      }
    }
    return 0;
  }
}
