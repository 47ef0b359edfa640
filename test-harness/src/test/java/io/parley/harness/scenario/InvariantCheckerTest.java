package io.parley.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.Position;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvariantCheckerTest {

  private static final Position START = new Position("e1", 0);

  private final List<InvariantChecker.Publish> publishes = new ArrayList<>();
  private final List<ClientRecorder.Entry> entries = new ArrayList<>();

  private void published(String epoch, long... seqs) {
    for (long seq : seqs) {
      publishes.add(
          new InvariantChecker.Publish("p" + epoch + seq, "ch", List.of(new Position(epoch, seq))));
    }
  }

  private void received(String epoch, long... seqs) {
    for (long seq : seqs) {
      entries.add(new ClientRecorder.Entry(new Position(epoch, seq), null, "p" + epoch + seq, 0));
    }
  }

  private void gap(Position from, Position to) {
    entries.add(new ClientRecorder.Entry(to, from, null, 0));
  }

  private InvariantChecker.Verdict check(Scenario.GapPolicy gaps) {
    return InvariantChecker.check(
        publishes, List.of(new InvariantChecker.Stream("client 0", "ch", START, entries)), gaps);
  }

  @Test
  void passesWhenEveryAcknowledgedMessageArrivesOnceInOrder() {
    published("e1", 1, 2, 3);
    received("e1", 1, 2, 3);

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.FORBIDDEN);

    assertThat(verdict.passed()).as(verdict.violations().toString()).isTrue();
    assertThat(verdict.delivered()).isEqualTo(3);
    assertThat(verdict.acknowledged()).isEqualTo(3);
  }

  @Test
  void countsAMessageReceivedTwiceAsDuplicated() {
    published("e1", 1, 2, 3);
    received("e1", 1, 2, 2, 3);

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.FORBIDDEN);

    assertThat(verdict.duplicated()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  void countsAMessageSkippedWithoutAGapAsLostAndOutOfOrder() {
    published("e1", 1, 2, 3, 4);
    received("e1", 1, 2, 4);

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.FORBIDDEN);

    assertThat(verdict.lost()).isEqualTo(1);
    assertThat(verdict.outOfOrder()).isEqualTo(1);
    assertThat(verdict.violations()).anyMatch(line -> line.contains("skipped without a gap"));
  }

  @Test
  void acceptsMessagesASignalledGapNames() {
    published("e1", 1, 2, 3, 4);
    received("e1", 1);
    gap(new Position("e1", 1), new Position("e1", 3));
    received("e1", 4);

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.ALLOWED);

    assertThat(verdict.passed()).as(verdict.violations().toString()).isTrue();
    assertThat(verdict.lost()).isZero();
    assertThat(verdict.gapsSignalled()).isEqualTo(1);
  }

  @Test
  void failsAGapWhenGapsAreForbidden() {
    published("e1", 1, 2);
    gap(START, new Position("e1", 1));
    received("e1", 2);

    assertThat(check(Scenario.GapPolicy.FORBIDDEN).passed()).isFalse();
    assertThat(check(Scenario.GapPolicy.ALLOWED).passed()).isTrue();
  }

  @Test
  void acceptsAnEpochChangeOnlyAfterAGapThatCoversTheOldTail() {
    published("e1", 1, 2, 3);
    published("e2", 1, 2);
    received("e1", 1);
    gap(new Position("e1", 1), new Position("e2", 0));
    received("e2", 1, 2);

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.REQUIRED);

    assertThat(verdict.passed()).as(verdict.violations().toString()).isTrue();
  }

  @Test
  void failsASilentEpochChange() {
    published("e1", 1);
    published("e2", 1);
    received("e1", 1);
    received("e2", 1);

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.ALLOWED);

    assertThat(verdict.outOfOrder()).isEqualTo(1);
    assertThat(verdict.violations()).anyMatch(line -> line.contains("without a gap"));
  }

  @Test
  void requiresAGapWhenTheScenarioSaysHistoryWasLost() {
    published("e1", 1);
    received("e1", 1);

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.REQUIRED);

    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.violations()).anyMatch(line -> line.contains("expected a gap"));
  }

  @Test
  void failsAPublishAppliedAtTwoPositionsOfOneEpoch() {
    publishes.add(new InvariantChecker.Publish("same", "ch", List.of(new Position("e1", 1))));
    entries.add(new ClientRecorder.Entry(new Position("e1", 1), null, "same", 0));
    entries.add(new ClientRecorder.Entry(new Position("e1", 2), null, "same", 0));

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.FORBIDDEN);

    assertThat(verdict.appliedTwice()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  void countsAPublishReappliedInANewEpochApartWithoutFailing() {
    publishes.add(new InvariantChecker.Publish("retried", "ch", List.of(new Position("e2", 1))));
    entries.add(new ClientRecorder.Entry(new Position("e1", 1), null, "retried", 0));
    gap(new Position("e1", 1), new Position("e2", 0));
    entries.add(new ClientRecorder.Entry(new Position("e2", 1), null, "retried", 0));

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.REQUIRED);

    assertThat(verdict.passed()).as(verdict.violations().toString()).isTrue();
    assertThat(verdict.reappliedAcrossEpochs()).isEqualTo(1);
    assertThat(verdict.appliedTwice()).isZero();
  }

  @Test
  void failsAPublishNeverAcknowledged() {
    publishes.add(new InvariantChecker.Publish("lost-publish", "ch", List.of()));

    InvariantChecker.Verdict verdict = check(Scenario.GapPolicy.FORBIDDEN);

    assertThat(verdict.unacknowledged()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }
}
