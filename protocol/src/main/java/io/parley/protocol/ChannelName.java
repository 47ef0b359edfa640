package io.parley.protocol;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The rules for channel names, shared by every transport and client. Thread-safe. */
public final class ChannelName {
  /** Longest allowed channel name, in characters. */
  public static final int MAX_LENGTH = 200;

  /** Prefix of the per-connection channel every session is in. */
  public static final String SESSION_PREFIX = "session:";

  /** Prefix of the per-user channel every authenticated connection is in. */
  public static final String USER_PREFIX = "user:";

  /**
   * The channel every session is in, where operators' notices arrive (admin broadcast). Clients may
   * subscribe to it (they are in it already) and poll it; nobody publishes to it but the server.
   */
  public static final String BROADCAST = "parley:broadcast";

  private static final String CHARACTERS = "[A-Za-z0-9:_\\-.]";
  private static final Pattern VALID = Pattern.compile(CHARACTERS + "{1," + MAX_LENGTH + "}");
  private static final Pattern ALLOWED = Pattern.compile(CHARACTERS);

  private ChannelName() {}

  /** Whether {@code name} is a valid channel name; {@code null} is not. */
  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /**
   * What is wrong with {@code name}, for an error message that follows {@link #rule()}: {@code "has
   * ' ' (U+0020) at position 5"}, {@code "is empty"} or {@code "is 201 characters long"}; empty
   * when the name is valid. Positions count characters (code points) from 1; the first character
   * not allowed is named, and a control character only by its code point.
   *
   * @throws NullPointerException if {@code name} is null
   */
  public static Optional<String> problem(String name) {
    if (isValid(name)) {
      return Optional.empty();
    }
    if (name.isEmpty()) {
      return Optional.of("is empty");
    }
    int position = 1;
    for (int i = 0; i < name.length(); i += Character.charCount(name.codePointAt(i))) {
      int c = name.codePointAt(i);
      if (!ALLOWED.matcher(Character.toString(c)).matches()) {
        String code = String.format(Locale.ROOT, "U+%04X", c);
        String shown =
            Character.isISOControl(c) ? code : "'" + Character.toString(c) + "' (" + code + ")";
        return Optional.of("has " + shown + " at position " + position);
      }
      position++;
    }
    return Optional.of("is " + name.length() + " characters long");
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
