package io.parley.server.transport;

import io.vertx.core.net.SocketAddress;

/** The peer's address as connection events and logs name it. Stateless. */
public final class PeerAddress {
  /** Named when the socket has no remote address (a closed or in-process connection). */
  public static final String UNKNOWN = "unknown";

  private PeerAddress() {}

  /** The IP address of {@code remote} (a proxy's, behind one), or {@link #UNKNOWN}. */
  public static String of(SocketAddress remote) {
    return remote == null ? UNKNOWN : remote.hostAddress();
  }
}
