package io.parley.protocol;

import java.util.regex.Pattern;

/** The rules for channel names, shared by every transport and client. Thread-safe. */
public final class ChannelName {
  /** Longest allowed channel name, in characters. */
  public static final int MAX_LENGTH = 200;

  /** Prefix of the per-connection channel every session is in. */
  public static final String SESSION_PREFIX = "session:";

  /** Prefix of the per-user channel every authenticated connection is in. */
  public static final String USER_PREFIX = "user:";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9:_\\-.]{1," + MAX_LENGTH + "}");

  private ChannelName() {}

  /** Whether {@code name} is a valid channel name; {@code null} is not. */
  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** The text that says what a channel name must look like, for error messages. */
  public static String rule() {
    return "1 to " + MAX_LENGTH + " characters from [A-Za-z0-9:_-.]";
  }

  /** The channel of one session. */
  public static String ofSession(String sessionId) {
    return SESSION_PREFIX + sessionId;
  }

  /** The channel of one user, by the token's subject. */
  public static String ofUser(String subject) {
    return USER_PREFIX + subject;
  }
}
