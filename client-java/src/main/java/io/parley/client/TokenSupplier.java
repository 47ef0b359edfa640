package io.parley.client;

/**
 * Supplies the JWT a client presents to the server; implementations must be thread-safe. The client
 * calls them on its supervisor thread, so they should return quickly (cache the token, refresh in
 * the background).
 *
 * <p>The client asks once when {@code connect()} starts and once more each time the server rejects
 * the token (missing, malformed, badly signed, wrong issuer or audience, expired, invalid). When
 * that second answer is the same token or {@code null}, the client stops with status {@code
 * FAILED}: retrying with a rejected token cannot succeed.
 *
 * <p>When the token of an open connection expires, the server asks for a fresh one ({@code
 * TOKEN_REFRESH_REQUIRED}) and the client asks the supplier once, then sends the answer on the same
 * connection: subscriptions, positions and queued publishes are untouched. The same token or {@code
 * null} again stops the client with {@code FAILED} ({@code TOKEN_EXPIRED}); an exception counts as
 * a lost connection, which is reopened after the backoff delay with a token asked for then.
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
