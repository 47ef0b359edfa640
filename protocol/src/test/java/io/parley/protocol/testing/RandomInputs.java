package io.parley.protocol.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.List;
import java.util.Random;
import java.util.function.IntBinaryOperator;

/**
 * Inputs for the parser fuzz tests, drawn either from a seeded {@link Random} (the same seed gives
 * the same inputs, for the generated-value tests of the regular build) or from Jazzer's {@link
 * FuzzedDataProvider} (so that the same generator is coverage-guided when fuzzing). Not
 * thread-safe: one per test or fuzz input.
 */
public final class RandomInputs {
  private final IntBinaryOperator between;

  private RandomInputs(IntBinaryOperator between) {
    this.between = between;
  }

  /** Inputs from a {@link Random} seeded with {@code seed}. */
  public static RandomInputs seeded(long seed) {
    Random random = new Random(seed);
    return new RandomInputs(
        (min, max) -> (int) (min + Math.floorMod(random.nextLong(), (long) max - min + 1)));
  }

  /**
   * Inputs decided by the fuzzer. Once its data is used up every draw is the lowest choice, so a
   * generator always terminates.
   */
  public static RandomInputs fuzzed(FuzzedDataProvider data) {
    return new RandomInputs(data::consumeInt);
  }

  /** A number in {@code [min, max]}. */
  public int between(int min, int max) {
    return between.applyAsInt(min, max);
  }

  /** True with probability {@code percent} in 100. */
  public boolean percent(int percent) {
    return between(0, 99) < percent;
  }

  /** The index of one of {@code weights}, each chosen in proportion to its weight. */
  public int weighted(int... weights) {
    int total = 0;
    for (int weight : weights) {
      total += weight;
    }
    int roll = between(0, total - 1);
    for (int i = 0; i < weights.length; i++) {
      roll -= weights[i];
      if (roll < 0) {
        return i;
      }
    }
    throw new AssertionError("unreachable");
  }

  /** One of {@code values}. */
  public <T> T pick(List<T> values) {
    return values.get(between(0, values.size() - 1));
  }

  /** Any long, with 0, ±1 and the extremes a fifth of the time. */
  public long anyLong() {
    if (percent(20)) {
      return pick(List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
    }
    return ((long) between(Integer.MIN_VALUE, Integer.MAX_VALUE) << 32)
        | (between(Integer.MIN_VALUE, Integer.MAX_VALUE) & 0xffffffffL);
  }

  /** A long in {@code [min, max]}. */
  public long longBetween(long min, long max) {
    long span = max - min + 1;
    if (span <= 0) {
      return anyLong();
    }
    return min + Math.floorMod(anyLong(), span);
  }

  /** Any finite double: small and large magnitudes, integral values, zero and negative zero. */
  public double anyDouble() {
    return switch (weighted(2, 2, 1, 1)) {
      case 0 -> between(-1_000_000, 1_000_000) / 1000.0;
      case 1 -> (double) anyLong();
      case 2 -> pick(List.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE));
      default -> {
        double any = Double.longBitsToDouble(anyLong());
        yield Double.isFinite(any) ? any : 0.0;
      }
    };
  }

  /**
   * Any text of up to {@code maxLength} UTF-16 units: mostly printable ASCII, some control
   * characters, and any other unit including lone surrogates (which no UTF-8 wire can carry, so the
   * byte-based fuzz targets never see them).
   */
  public String anyString(int maxLength) {
    int length = between(0, maxLength);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(
          (char)
              switch (weighted(6, 1, 3)) {
                case 0 -> between(0x20, 0x7e);
                case 1 -> between(0, 0x1f);
                default -> between(0, 0xffff);
              });
    }
    return out.toString();
  }

  /** Text of {@code minLength} to {@code maxLength} characters of {@code alphabet}. */
  public String string(String alphabet, int minLength, int maxLength) {
    int length = between(minLength, maxLength);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(between(0, alphabet.length() - 1)));
    }
    return out.toString();
  }

  /** Up to {@code maxLength} bytes of any value. */
  public byte[] bytes(int maxLength) {
    byte[] bytes = new byte[between(0, maxLength)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) between(-128, 127);
    }
    return bytes;
  }

  /**
   * One of {@code valid}, left intact, or with one character replaced by up to four characters of
   * {@code noise}, or cut short at a random place.
   */
  public String mutated(List<String> valid, String noise) {
    String text = pick(valid);
    return switch (between(0, 2)) {
      case 0 -> text;
      case 1 -> {
        int at = between(0, text.length());
        yield text.substring(0, at)
            + string(noise, 0, 4)
            + text.substring(Math.min(text.length(), at + 1));
      }
      default -> text.substring(0, between(0, text.length()));
    };
  }

  /** {@code raw} as a JSON string literal. */
  public static String quote(String raw) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : raw.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
