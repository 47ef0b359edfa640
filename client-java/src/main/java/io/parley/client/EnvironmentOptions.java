package io.parley.client;

import io.parley.protocol.Transport;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads client options from environment variables ({@link ParleyClient.Builder#fromEnvironment}). A
 * variable that is unset or blank leaves its option as it was; one that cannot be read fails with a
 * message naming it and saying what was expected. Stateless.
 */
final class EnvironmentOptions {
  /** The variables read, in the order they are applied. */
  static final List<String> VARIABLES =
      List.of(
          "PARLEY_URL",
          "PARLEY_TOKEN",
          "PARLEY_CLIENT_ID",
          "PARLEY_TRANSPORTS",
          "PARLEY_CONNECT_TIMEOUT",
          "PARLEY_HEARTBEAT_TIMEOUT",
          "PARLEY_MAX_ATTEMPTS");

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private EnvironmentOptions() {}

  static void apply(Map<String, String> env, ParleyClient.Builder builder) {
    with(env, "PARLEY_URL", text -> urls(builder, text));
    with(env, "PARLEY_TOKEN", text -> builder.tokenSupplier(TokenSupplier.of(text)));
    with(env, "PARLEY_CLIENT_ID", builder::clientId);
    with(env, "PARLEY_TRANSPORTS", text -> builder.transports(transports(text)));
    with(env, "PARLEY_CONNECT_TIMEOUT", text -> builder.connectTimeout(duration(text)));
    with(env, "PARLEY_HEARTBEAT_TIMEOUT", text -> builder.heartbeatTimeout(duration(text)));
    with(env, "PARLEY_MAX_ATTEMPTS", text -> builder.maxAttempts(integer(text)));
  }

  /** Applies {@code option} to the variable's trimmed value, naming the variable on failure. */
  private static void with(Map<String, String> env, String name, Consumer<String> option) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return;
    }
    try {
      option.accept(value.trim());
    } catch (IllegalArgumentException e) {
      String shown = name.equals("PARLEY_TOKEN") ? "(not shown)" : "'" + value + "'";
      throw new IllegalArgumentException(name + " " + shown + ": " + e.getMessage(), e);
    }
  }

  private static void urls(ParleyClient.Builder builder, String text) {
    List<String> urls = items(text);
    if (urls.size() == 1) {
      builder.serverUrl(urls.get(0));
    } else {
      builder.serverUrls(urls);
    }
  }

  private static List<Transport> transports(String text) {
    List<Transport> transports = new ArrayList<>();
    for (String item : items(text)) {
      String name = item.toUpperCase(Locale.ROOT).replace('-', '_');
      try {
        transports.add(Transport.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "expected a comma-separated list of "
                + Arrays.toString(Transport.values())
                + " (any case, - for _) but '"
                + item
                + "' is none of them");
      }
    }
    return transports;
  }

  /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT10S}). */
  static Duration duration(String text) {
    Matcher matcher = SHORT_DURATION.matcher(text);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected a duration such as 500ms, 10s, 2m, 1h or PT10S");
    }
  }

  private static int integer(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number");
    }
  }

  private static List<String> items(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      if (item.isBlank()) {
        throw new IllegalArgumentException("expected a comma-separated list with no empty item");
      }
      items.add(item.trim());
    }
    return items;
  }
}
