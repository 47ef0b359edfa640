package io.parley.server.config;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The server's secure random generator, made on first use at run time. A native build initializes
 * classes at build time, and an image must not carry a generator seeded, or a secret drawn, while
 * it was built: every process started from it would share them. So nothing random lives in a static
 * initializer; it is drawn from here when first needed (docs/operations.md, "Native build").
 * Thread-safe.
 */
public final class RunTimeRandom {
  private static volatile SecureRandom generator;

  private RunTimeRandom() {}

  /** The generator, made on the first call. */
  public static SecureRandom generator() {
    SecureRandom current = generator;
    if (current == null) {
      synchronized (RunTimeRandom.class) {
        current = generator;
        if (current == null) {
          current = new SecureRandom();
          generator = current;
        }
      }
    }
    return current;
  }

  /** A random URL-safe id of {@code bytes} random bytes. */
  public static String urlSafeId(int bytes) {
    byte[] buffer = new byte[bytes];
    generator().nextBytes(buffer);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
  }
}
