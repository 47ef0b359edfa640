package io.parley.server.transport;

import io.vertx.core.net.SocketAddress;

/** The client's network address as transports report it to the hub and logs. Stateless. */
public final class ClientAddress {
  private ClientAddress() {}

  /** The host address of {@code address}, or {@code "unknown"} when the peer gave none. */
  public static String of(SocketAddress address) {
    return address == null || address.hostAddress() == null ? "unknown" : address.hostAddress();
  }
}
