package io.parley.client.internal;

import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyException;
import io.parley.client.TokenSupplier;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;

/**
 * Not thread-safe, used on the supervisor's {@link EventLoop} only (the supplier is called there):
 * the token the client presents, and when to ask the {@link TokenSupplier} for another.
 *
 * <p>The supplier is asked before the first round, again before a round after it failed, once after
 * each refusal of a token, and when the server asks for a fresh token in-band. A refused or expired
 * token is never presented again: when the supplier answers with the same token, or none, the
 * client gives up.
 */
final class TokenRenewal {

  /** What to do after the server refused the token. */
  enum AfterRefusal {
    /** A fresh token, the first since the last connection: a new round starts at once. */
    RETRY_NOW,
    /** A fresh token, but fresh tokens were refused before: the next round waits the backoff. */
    RETRY_AFTER_BACKOFF,
    /** Nothing fresh (or the supplier threw, added as suppressed): give up with the refusal. */
    GIVE_UP
  }

  private final TokenSupplier supplier;
  private String token;
  private boolean known;

  /** Fresh tokens adopted after refusals since the last connection was welcomed. */
  private int renewals;

  TokenRenewal(TokenSupplier supplier) {
    this.supplier = supplier;
  }

  /** The token to present; {@code null} for an anonymous client or before the first round. */
  String token() {
    return token;
  }

  /**
   * Asks the supplier for a token unless one is known, before a round.
   *
   * @return {@code null} when a token is known; otherwise the supplier's failure, which fails the
   *     round (the next round asks again)
   */
  ConnectionException prepare() {
    if (known) {
      return null;
    }
    try {
      token = supplier.token();
    } catch (RuntimeException e) {
      return new ConnectionException("the token supplier failed: " + e, null, null, e);
    }
    known = true;
    return null;
  }

  /** A connection was welcomed: the next refusal is again retried at once. */
  void connected() {
    renewals = 0;
  }

  /**
   * The server refused the token: asks the supplier once for another. A supplier that throws is
   * added to {@code refusal} as suppressed.
   */
  AfterRefusal renewAfter(AuthenticationException refusal) {
    String fresh;
    try {
      fresh = supplier.token();
    } catch (RuntimeException e) {
      refusal.addSuppressed(e);
      return AfterRefusal.GIVE_UP;
    }
    if (!adopt(fresh, token)) {
      return AfterRefusal.GIVE_UP;
    }
    renewals++;
    return renewals == 1 ? AfterRefusal.RETRY_NOW : AfterRefusal.RETRY_AFTER_BACKOFF;
  }

  /**
   * The server says the token a connection presented has expired and waits a grace period for a
   * fresh one in-band: asks the supplier once.
   *
   * @param presented the token the connection presented last
   * @param kind the connection's transport, for the failure
   * @param reason the server's message, for the failure
   * @return {@code null} when {@link #token()} is now a fresh token to send on the connection; a
   *     {@link ConnectionException} ({@code TOKEN_REFRESH_REQUIRED}) when the supplier threw: drop
   *     the connection and reconnect, asking the supplier again first; an {@link
   *     AuthenticationException} ({@code TOKEN_EXPIRED}) when the supplier has nothing new: give up
   */
  ParleyException refreshInBand(String presented, Transport kind, String reason) {
    String fresh;
    try {
      fresh = supplier.token();
    } catch (RuntimeException e) {
      known = false;
      return new ConnectionException(
          "the server asked for a fresh token and the token supplier failed: " + e,
          kind,
          ErrorCode.TOKEN_REFRESH_REQUIRED,
          e);
    }
    if (!adopt(fresh, presented)) {
      return new AuthenticationException(
          "the token expired and the token supplier has no other (" + reason + ")",
          ErrorCode.TOKEN_EXPIRED,
          kind);
    }
    return null;
  }

  /** Takes {@code fresh} unless it is missing or the same as {@code spent}; returns whether. */
  private boolean adopt(String fresh, String spent) {
    if (fresh == null || fresh.equals(spent)) {
      return false;
    }
    token = fresh;
    return true;
  }
}
