package io.parley.harness.scenario;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Stateless and thread-safe: reads and writes durations as scenario files spell them. */
final class Durations {

  private static final Pattern TEXT = Pattern.compile("(\\d+)\\s*(ms|s|m)");

  private Durations() {}

  /**
   * Reads {@code 250ms}, {@code 5s} or {@code 2m}.
   *
   * @throws IllegalArgumentException when the text is none of those
   */
  static Duration parse(String text) {
    Matcher matcher = TEXT.matcher(text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "expected a duration such as 250ms, 5s or 2m but was '" + text + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
  }

  /** {@code 250ms}, {@code 5s}, {@code 1.5s}: the shortest exact-ish text. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
  }
}
