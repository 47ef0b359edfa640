package io.parley.microbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs every benchmark once, briefly and in this JVM, so none of them rots. Not a measurement. */
class BenchmarksSmokeTest {
  @Test
  void everyBenchmarkRuns() throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include("io\\.parley\\.(microbench|server\\.transport\\.socketio)\\..*Benchmark")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .param("subscribers", "10")
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(options).run();
    assertThat(results).hasSize(7);
  }
}
