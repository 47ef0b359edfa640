package io.parley.server.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Mutations of valid inputs for the fuzz properties. Stateless. */
public final class Mutations {
  private Mutations() {}

  /**
   * A valid input left intact, or with one character replaced by a {@code noise} string, or cut
   * short at a random place.
   */
  public static Arbitrary<String> of(Arbitrary<String> valid, Arbitrary<String> noise) {
    return Arbitraries.oneOf(
        valid,
        valid.flatMap(
            text ->
                Combinators.combine(Arbitraries.integers().between(0, text.length()), noise)
                    .as(
                        (at, insert) ->
                            text.substring(0, at)
                                + insert
                                + text.substring(Math.min(text.length(), at + 1)))),
        valid.flatMap(
            text ->
                Arbitraries.integers()
                    .between(0, text.length())
                    .map(cut -> text.substring(0, cut))));
  }
}
