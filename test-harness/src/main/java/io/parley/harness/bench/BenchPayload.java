package io.parley.harness.bench;

import java.util.SplittableRandom;

/**
 * The padding a benchmark publish carries in its data, member {@code "p"}, so that deliveries have
 * a chosen size: a string for small sizes, else an array of JSON records (ids, names, prices, tags)
 * such as an application would fan out, with seeded random values so that it compresses as such
 * data does rather than as one repeated byte. Immutable.
 */
final class BenchPayload {
  private static final String[] WORDS = {
    "red", "green", "blue", "large", "small", "sale", "new", "stock", "north", "south", "east"
  };

  private BenchPayload() {}

  /**
   * The member {@code ,"p":...} whose value is about {@code bytes} long (at least {@code bytes}, at
   * most one record more), or {@code ""} for 0.
   */
  static String member(int bytes, long seed) {
    if (bytes <= 0) {
      return "";
    }
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder value = new StringBuilder(bytes + 128);
    if (bytes < 256) {
      value.append('"');
      while (value.length() < bytes - 1) {
        value.append((char) ('a' + random.nextInt(26)));
      }
      value.append('"');
    } else {
      value.append('[');
      for (int i = 0; value.length() < bytes - 1; i++) {
        if (i > 0) {
          value.append(',');
        }
        value
            .append("{\"id\":")
            .append(random.nextInt(1_000_000))
            .append(",\"name\":\"item-")
            .append(Integer.toString(random.nextInt(1 << 30), 36))
            .append("\",\"price\":")
            .append(random.nextInt(100_000) / 100.0)
            .append(",\"tags\":[\"")
            .append(WORDS[random.nextInt(WORDS.length)])
            .append("\",\"")
            .append(WORDS[random.nextInt(WORDS.length)])
            .append("\"]}");
      }
      value.append(']');
    }
    return ",\"p\":" + value;
  }
}
