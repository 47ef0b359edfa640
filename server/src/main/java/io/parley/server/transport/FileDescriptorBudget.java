package io.parley.server.transport;

import com.sun.management.UnixOperatingSystemMXBean;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks at startup that the node-wide cap on TCP connections ({@code
 * quarkus.http.limits.max-connections}) fits under the process's open-file limit, and warns when it
 * does not: past the limit, accepting fails for every client, not only the newest. Thread-safe
 * (runs once, on the startup thread).
 */
@Singleton
public class FileDescriptorBudget {
  /** Descriptors the process needs besides connections: jars, logs, the JVM's own, a margin. */
  static final int RESERVED = 256;

  private static final System.Logger LOG = System.getLogger(FileDescriptorBudget.class.getName());

  @ConfigProperty(name = "quarkus.http.limits.max-connections")
  OptionalInt maxConnections;

  void check(@Observes StartupEvent event) {
    warning(maxConnections, openFileLimit())
        .ifPresent(w -> LOG.log(System.Logger.Level.WARNING, w));
  }

  /**
   * The warning for a connection cap and an open-file limit, or empty when the cap fits.
   *
   * @param maxConnections the TCP connection cap; empty when there is none
   * @param openFileLimit the process's open-file limit; empty where the platform does not say
   */
  static Optional<String> warning(OptionalInt maxConnections, OptionalLong openFileLimit) {
    if (openFileLimit.isEmpty()) {
      return Optional.empty();
    }
    long limit = openFileLimit.getAsLong();
    if (maxConnections.isEmpty()) {
      return Optional.of(
          "quarkus.http.limits.max-connections is not set: TCP connections are not capped, and"
              + " the open-file limit of "
              + limit
              + " is what stops them, failing every accept once reached. Set it below "
              + (limit - RESERVED));
    }
    int cap = maxConnections.getAsInt();
    if (cap + (long) RESERVED > limit) {
      return Optional.of(
          "quarkus.http.limits.max-connections="
              + cap
              + " needs "
              + (cap + (long) RESERVED)
              + " open files (the connections plus "
              + RESERVED
              + " for the process), but the open-file limit is "
              + limit
              + ": raise it (ulimit -n, LimitNOFILE=) or lower the cap to "
              + Math.max(0, limit - RESERVED));
    }
    return Optional.empty();
  }

  /** This process's open-file limit, where the JVM reports it (Unix). */
  static OptionalLong openFileLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount());
    }
    return OptionalLong.empty();
  }
}
