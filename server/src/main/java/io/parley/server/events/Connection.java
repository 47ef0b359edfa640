package io.parley.server.events;

import io.parley.server.auth.Identity;
import java.time.Duration;
import java.util.Objects;

/**
 * Who a connection is, as events describe it: made once when a session opens, and again with
 * another transport when it changes. Immutable and thread-safe.
 *
 * @param session the hub session id
 * @param user the token's subject, or {@code null} for an anonymous connection
 * @param transport what the connection runs on
 * @param address the peer's IP address as the server sees it (a proxy's, behind one), or {@code
 *     "unknown"}
 * @param probe whether it is a health self-test's connection rather than a user's ({@link
 *     #isProbe}); metrics leave probes out and logs mark them
 * @param openedNanos when it opened ({@link System#nanoTime}), for its duration
 */
public record Connection(
    String session,
    String user,
    TransportKind transport,
    String address,
    boolean probe,
    long openedNanos) {

  public Connection {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(address, "address");
  }

  /** A connection opening now. */
  public static Connection opened(
      String session, Identity identity, TransportKind transport, String address) {
    return new Connection(
        session, identity.subject(), transport, address, isProbe(identity), System.nanoTime());
  }

  /**
   * Whether {@code identity} is a health self-test's: the one place a connection is classified as
   * probe or user traffic.
   */
  public static boolean isProbe(Identity identity) {
    return identity.probe();
  }

  /** How long this connection has been open. */
  public Duration age() {
    return Duration.ofNanos(System.nanoTime() - openedNanos);
  }

  /** This connection, now on {@code next}. */
  public Connection on(TransportKind next) {
    return new Connection(session, user, next, address, probe, openedNanos);
  }
}
