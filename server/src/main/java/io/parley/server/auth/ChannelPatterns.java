package io.parley.server.auth;

import io.parley.protocol.ChannelName;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels a token grants, as patterns: {@code *} is every channel, {@code jobs:*} every
 * channel starting with {@code jobs:}, anything else one channel by its exact name. Immutable and
 * thread-safe.
 */
public final class ChannelPatterns {
  private static final ChannelPatterns NONE = new ChannelPatterns(List.of());

  /**
   * Pattern lists seen so far, shared by every identity with the same grants: tokens of one role
   * carry the same patterns, and each connection keeps its identity for life. Bounded: past {@link
   * #SHARED_MAX} lists (per-user patterns, say) new ones are no longer remembered.
   */
  private static final ConcurrentHashMap<List<String>, ChannelPatterns> SHARED =
      new ConcurrentHashMap<>();

  static final int SHARED_MAX = 1_024;

  private final List<String> patterns;

  private ChannelPatterns(List<String> patterns) {
    this.patterns = patterns;
  }

  /** Grants nothing. */
  public static ChannelPatterns none() {
    return NONE;
  }

  /**
   * Parses patterns.
   *
   * @throws IllegalArgumentException naming the first pattern that is neither a channel name nor a
   *     channel-name prefix followed by one trailing {@code *}
   */
  public static ChannelPatterns of(List<String> patterns) {
    for (String pattern : patterns) {
      if (!isValid(pattern)) {
        throw new IllegalArgumentException(
            "channel pattern \""
                + pattern
                + "\" must be *, a channel name ("
                + ChannelName.rule()
                + "), or a channel name followed by *");
      }
    }
    if (patterns.isEmpty()) {
      return NONE;
    }
    ChannelPatterns shared = SHARED.get(patterns);
    if (shared != null) {
      return shared;
    }
    ChannelPatterns parsed = new ChannelPatterns(List.copyOf(patterns));
    if (SHARED.size() >= SHARED_MAX) {
      return parsed;
    }
    shared = SHARED.putIfAbsent(parsed.patterns, parsed);
    return shared != null ? shared : parsed;
  }

  /** Whether one of the patterns matches {@code channel}. */
  public boolean matches(String channel) {
    for (String pattern : patterns) {
      if (pattern.endsWith("*")
          ? channel.startsWith(pattern.substring(0, pattern.length() - 1))
          : channel.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  /** The patterns as given. */
  public List<String> patterns() {
    return patterns;
  }

  private static boolean isValid(String pattern) {
    if (pattern == null) {
      return false;
    }
    if (pattern.equals("*")) {
      return true;
    }
    String name = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
    return ChannelName.isValid(name);
  }

  @Override
  public String toString() {
    return patterns.toString();
  }
}
