package io.parley.harness.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Deletes the keys under one test's prefix from the machine's Redis (127.0.0.1:6379) with {@code
 * redis-cli}, the tool {@code .ci/run} uses to check it; never anything else, never a flush.
 */
final class RedisKeys {
  private RedisKeys() {}

  static void deleteUnder(String prefix) {
    if (!prefix.startsWith("parley-test:")) {
      throw new IllegalArgumentException("not a test prefix: " + prefix);
    }
    List<String> keys = run("redis-cli", "-h", "127.0.0.1", "--scan", "--pattern", prefix + "*");
    for (String key : keys) {
      run("redis-cli", "-h", "127.0.0.1", "del", key);
    }
  }

  /** The sum of a hash's values (0 when there is no such key). */
  static long hashSum(String key) {
    if (!key.startsWith("parley-test:")) {
      throw new IllegalArgumentException("not a test key: " + key);
    }
    return run("redis-cli", "-h", "127.0.0.1", "hvals", key).stream()
        .mapToLong(Long::parseLong)
        .sum();
  }

  private static List<String> run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out.lines().filter(line -> !line.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
