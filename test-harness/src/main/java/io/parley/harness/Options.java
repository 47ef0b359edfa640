package io.parley.harness;

import io.parley.harness.proxy.HostPort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options parsed against the names a command knows. Immutable after
 * construction; not shared between threads.
 */
final class Options {

  private final Map<String, String> values = new HashMap<>();

  /**
   * @throws UsageException for an unknown option, a missing value or a repeated option
   */
  Options(List<String> args, Set<String> known) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      if (!known.contains(name)) {
        throw new UsageException(
            name, "unknown option; expected one of " + String.join(", ", known));
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new UsageException(name, "missing value");
        }
        value = args.get(++i);
      }
      if (values.put(name, value) != null) {
        throw new UsageException(name, "given twice");
      }
    }
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  HostPort hostPort(String name, String fallback) {
    String text = values.getOrDefault(name, fallback);
    try {
      return HostPort.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(name, e.getMessage());
    }
  }

  long number(String name, long fallback) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new UsageException(name, "expected a whole number but was '" + text + "'");
    }
  }
}
