package io.parley.harness.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultRuleTest {

  @Test
  void appliesToEveryConnectionByDefault() {
    FaultRule rule = FaultRule.of("hole", Direction.UPSTREAM, new Blackhole());

    assertThat(rule.toxicity()).isEqualTo(1.0);
  }

  @Test
  void rejectsAToxicityOutsideZeroToOne() {
    FaultRule rule = FaultRule.of("hole", Direction.UPSTREAM, new Blackhole());

    assertThatThrownBy(() -> rule.withToxicity(1.01)).hasMessageContaining("toxicity");
    assertThatThrownBy(() -> rule.withToxicity(-0.1)).hasMessageContaining("toxicity");
    assertThatThrownBy(() -> rule.withToxicity(Double.NaN)).hasMessageContaining("toxicity");
  }

  @Test
  void rejectsANameThatCannotAppearInAUrlPath() {
    assertThatThrownBy(() -> FaultRule.of("a/b", Direction.UPSTREAM, new Blackhole()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> FaultRule.of("", Direction.UPSTREAM, new Blackhole()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsAnUpgradeFilterOnlyUpstream() {
    UpgradeFilter filter = new UpgradeFilter(UpgradeFilter.Mode.STRIP);

    assertThat(FaultRule.of("corp", Direction.UPSTREAM, filter).fault()).isEqualTo(filter);
    assertThatThrownBy(() -> FaultRule.of("corp", Direction.DOWNSTREAM, filter))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("upstream");
  }
}
