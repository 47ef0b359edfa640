package io.parley.client;

/**
 * Supplies the JWT a client presents to the server; implementations must be thread-safe. The client
 * calls them on its supervisor thread, so they should return quickly (cache the token, refresh in
 * the background).
 *
 * <p>The client asks once when {@code connect()} starts and once more each time the server rejects
 * the token (missing, invalid, expired). When that second answer is the same token or {@code null},
 * the client stops with status {@code FAILED}: retrying with a rejected token cannot succeed.
 */
@FunctionalInterface
public interface TokenSupplier {

  /**
   * Returns the token to present, or {@code null} to connect anonymously.
   *
   * @throws RuntimeException when no token can be obtained now; the client treats it as a failed
   *     connection attempt and retries after the backoff delay
   */
  String token();

  /** A supplier for anonymous clients: always {@code null}. */
  static TokenSupplier anonymous() {
    return () -> null;
  }

  /** A supplier that always returns {@code token}. */
  static TokenSupplier of(String token) {
    return () -> token;
  }
}
