package io.parley.harness.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Immutable and thread-safe: a host and port as written on the command line and in the control API,
 * such as {@code 127.0.0.1:8474}, {@code localhost:8080} or {@code [::1]:0}.
 *
 * @param host a name or literal address, without brackets
 * @param port 0 to 65535; 0 asks for an ephemeral port where that makes sense
 */
public record HostPort(String host, int port) {

  /**
   * @throws IllegalArgumentException when the host is blank or the port out of range
   */
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535] but was " + port);
    }
  }

  /**
   * Parses {@code host:port}, with IPv6 literals in brackets.
   *
   * @throws IllegalArgumentException naming what is wrong, when the text is not {@code host:port}
   */
  public static HostPort parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected host:port but was '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "expected host:port, with an IPv6 host in brackets, but was '" + text + "'");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected a port number after ':' but was '" + text.substring(colon + 1) + "'", e);
    }
    return new HostPort(host, port);
  }

  /** Resolves the host now. The result may be unresolved; callers check. */
  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  /** The same host and port, as printed by the proxy: {@code host:port}. */
  public static HostPort of(InetSocketAddress address) {
    return new HostPort(address.getHostString(), address.getPort());
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
