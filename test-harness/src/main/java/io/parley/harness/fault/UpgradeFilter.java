package io.parley.harness.fault;

import java.util.Locale;
import java.util.Objects;

/**
 * Immutable and thread-safe: plays a corporate HTTP proxy that does not allow WebSockets, reading
 * the HTTP/1.1 requests a client sends and interfering with WebSocket upgrade requests only.
 *
 * <p>A request is an upgrade request when its {@code Upgrade} header names {@code websocket}. Plain
 * requests (any method, with {@code Content-Length} or chunked bodies, keep-alive, pipelined) pass
 * byte for byte. The filter only acts upstream and only on connections accepted after it was added:
 * a parser cannot find request boundaries in the middle of a stream, and an established WebSocket
 * no longer carries HTTP. Combine it with {@code disconnectAll()} to push live clients through it.
 * If a request cannot be parsed as HTTP/1.1, or switches protocol by another upgrade or {@code
 * CONNECT}, the filter stops looking at that connection and forwards the rest untouched.
 *
 * @param mode what to do with an upgrade request
 */
public record UpgradeFilter(Mode mode) implements Fault {

  /**
   * @throws NullPointerException when {@code mode} is null
   */
  public UpgradeFilter {
    Objects.requireNonNull(mode, "mode");
  }

  @Override
  public FaultType type() {
    return FaultType.UPGRADE_FILTER;
  }

  /** Immutable and thread-safe: what the filter does with a WebSocket upgrade request. */
  public enum Mode {
    /**
     * Forward the request without {@code Upgrade}, the {@code upgrade} token of {@code Connection}
     * and any {@code Sec-WebSocket-*} header, so the server sees a plain GET and answers it as one
     * (typically 400 or 404).
     */
    STRIP("strip"),
    /**
     * Answer {@code 403 Forbidden} without contacting the server, then close the connection. The
     * upgrade request is not forwarded.
     */
    REFUSE("refuse");

    private final String wireName;

    Mode(String wireName) {
      this.wireName = wireName;
    }

    /** The name used in JSON: {@code strip} or {@code refuse}. */
    public String wireName() {
      return wireName;
    }

    /**
     * The mode called {@code wireName}, ignoring case.
     *
     * @throws IllegalArgumentException when it is neither {@code strip} nor {@code refuse}
     */
    public static Mode fromWireName(String wireName) {
      String lower = String.valueOf(wireName).toLowerCase(Locale.ROOT);
      for (Mode mode : values()) {
        if (mode.wireName.equals(lower)) {
          return mode;
        }
      }
      throw new IllegalArgumentException("mode must be strip or refuse but was '" + wireName + "'");
    }
  }
}
