package io.parley.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The negative test of the matrix: the same scenario with a client that has a bug must fail, so a
 * green matrix means something. The bug is played by {@link BrokenMode} on real clients over the
 * real wire.
 */
class BrokenClientIT {

  private static ScenarioReport runBroken(BrokenMode mode) throws InterruptedException {
    Scenario scenario =
        ScenarioFile.read(ScenarioMatrixIT.SCENARIOS.resolve("rst-mid-stream.yaml"))
            .withClientCount(2);
    ScenarioReport report =
        ScenarioRunner.builder().brokenMode(mode).progress(System.out).build().run(scenario);
    report.writeTo(ScenarioMatrixIT.REPORTS.resolve("broken-" + mode.name().toLowerCase()));
    return report;
  }

  @Test
  void aClientWithoutDedupFailsTheMatrixWithDuplicates() throws InterruptedException {
    ScenarioReport report = runBroken(BrokenMode.DEDUP_DISABLED);

    assertThat(report.passed()).as(report.toText()).isFalse();
    assertThat(report.verdict().duplicated()).as(report.toText()).isPositive();
    assertThat(report.violations()).anyMatch(line -> line.contains("received twice"));
  }

  @Test
  void aClientWithoutResumeFailsTheMatrixWithLostMessages() throws InterruptedException {
    ScenarioReport report = runBroken(BrokenMode.RESUME_DISABLED);

    assertThat(report.passed()).as(report.toText()).isFalse();
    assertThat(report.verdict().lost()).as(report.toText()).isPositive();
    assertThat(report.verdict().duplicated()).isZero();
  }
}
