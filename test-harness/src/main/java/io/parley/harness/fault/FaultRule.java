package io.parley.harness.fault;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Immutable and thread-safe: a named fault installed on a proxy, with what to do ({@link Fault}),
 * which way ({@link Direction}) and the chance that it applies to a connection ({@code toxicity}),
 * as a Toxiproxy toxic has.
 *
 * <p>Toxicity is decided once per connection and rule, when the rule attaches to the connection,
 * from the proxy's seed, the connection's number and the rule's name and direction; so a seeded
 * proxy that sees the same connections hits the same ones every run.
 *
 * @param name unique per proxy; letters, digits, {@code .}, {@code _} and {@code -}, at most 64
 *     characters, so it can appear in a URL path
 * @param direction which way the fault acts; {@link RefuseConnections} ignores it and {@link
 *     UpgradeFilter} requires {@link Direction#UPSTREAM}
 * @param toxicity the probability in {@code [0, 1]} that the fault applies to a connection
 * @param fault what to do
 */
public record FaultRule(String name, Direction direction, double toxicity, Fault fault) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * @throws IllegalArgumentException when the name is malformed, the toxicity is outside {@code [0,
   *     1]}, or an {@link UpgradeFilter} is given a direction other than upstream
   * @throws NullPointerException when any reference is null
   */
  public FaultRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(fault, "fault");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1 to 64 letters, digits, '.', '_' or '-' but was '" + name + "'");
    }
    if (!(toxicity >= 0.0 && toxicity <= 1.0)) {
      throw new IllegalArgumentException("toxicity must be in [0, 1] but was " + toxicity);
    }
    if (fault instanceof UpgradeFilter && direction != Direction.UPSTREAM) {
      throw new IllegalArgumentException(
          "direction of an upgrade_filter must be upstream but was " + direction.wireName());
    }
  }

  /** A rule that applies to every connection (toxicity 1). */
  public static FaultRule of(String name, Direction direction, Fault fault) {
    return new FaultRule(name, direction, 1.0, fault);
  }

  /** This rule with another toxicity. */
  public FaultRule withToxicity(double toxicity) {
    return new FaultRule(name, direction, toxicity, fault);
  }
}
