package io.parley.protocol;

/**
 * What kind of failure an error frame reports, which tells a client how to react. Immutable and
 * thread-safe.
 */
public enum ErrorCategory {
  /** The connection or transport failed; reconnecting may help. */
  CONNECTION("connection"),
  /** The token is missing, invalid or expired; retrying with the same token cannot help. */
  AUTHENTICATION("authentication"),
  /** The peer sent something the protocol does not allow; the sender has a bug. */
  PROTOCOL("protocol"),
  /** The request was well formed but refused (permission, limit, state). */
  APPLICATION("application");

  private final String wireName;

  ErrorCategory(String wireName) {
    this.wireName = wireName;
  }

  /** The lowercase name used on the wire. */
  public String wireName() {
    return wireName;
  }

  /** Returns the category with this wire name, or {@code null} when there is none. */
  public static ErrorCategory fromWireName(String wireName) {
    for (ErrorCategory category : values()) {
      if (category.wireName.equals(wireName)) {
        return category;
      }
    }
    return null;
  }
}
