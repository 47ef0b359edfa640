package io.parley.harness.fault;

import java.util.Locale;

/**
 * Immutable and thread-safe: which way data flows through a fault, named as in Toxiproxy.
 *
 * <pre>
 *   client --UPSTREAM--> FaultProxy --UPSTREAM--> server
 *   client <-DOWNSTREAM- FaultProxy <-DOWNSTREAM- server
 * </pre>
 */
public enum Direction {
  /** Client to server: what the proxy reads from the accepted socket. */
  UPSTREAM("upstream"),
  /** Server to client: what the proxy reads from the upstream socket. */
  DOWNSTREAM("downstream");

  private final String wireName;

  Direction(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in JSON and on the command line: {@code upstream} or {@code downstream}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The direction called {@code wireName}, ignoring case.
   *
   * @throws IllegalArgumentException when it is neither {@code upstream} nor {@code downstream}
   */
  public static Direction fromWireName(String wireName) {
    String lower = String.valueOf(wireName).toLowerCase(Locale.ROOT);
    for (Direction direction : values()) {
      if (direction.wireName.equals(lower)) {
        return direction;
      }
    }
    throw new IllegalArgumentException(
        "direction must be upstream or downstream but was '" + wireName + "'");
  }
}
