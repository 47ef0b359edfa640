package io.parley.harness.fault;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Immutable and thread-safe: the kinds of fault, with the names the control API uses. */
public enum FaultType {
  /** {@link Latency}. */
  LATENCY("latency"),
  /** {@link Bandwidth}. */
  BANDWIDTH("bandwidth"),
  /** {@link Slicer}. */
  SLICER("slicer"),
  /** {@link ResetPeer}. */
  RESET_PEER("reset_peer"),
  /** {@link Blackhole}. */
  BLACKHOLE("blackhole"),
  /** {@link RefuseConnections}. */
  REFUSE_CONNECTIONS("refuse_connections"),
  /** {@link Timeout}. */
  TIMEOUT("timeout"),
  /** {@link UpgradeFilter}. */
  UPGRADE_FILTER("upgrade_filter");

  private final String wireName;

  FaultType(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in JSON, such as {@code reset_peer}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The type called {@code wireName}, ignoring case.
   *
   * @throws IllegalArgumentException when no type has that name; the message lists the names
   */
  public static FaultType fromWireName(String wireName) {
    String lower = String.valueOf(wireName).toLowerCase(Locale.ROOT);
    for (FaultType type : values()) {
      if (type.wireName.equals(lower)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "type must be one of " + wireNames() + " but was '" + wireName + "'");
  }

  /** All wire names, comma-separated, for error messages and usage text. */
  public static String wireNames() {
    return Arrays.stream(values()).map(FaultType::wireName).collect(Collectors.joining(", "));
  }
}
