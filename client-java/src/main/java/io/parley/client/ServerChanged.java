package io.parley.client;

import java.net.URI;
import java.util.Objects;

/**
 * An immutable, thread-safe event: the client connected to another server of its {@link
 * ClientOptions#serverUrls()} than its last connection's. Sent before that connection's {@link
 * TransportChanged}; a client with one server URL sends it once, on its first connection.
 *
 * @param from the server of the client's previous connection, or {@code null} on the first one
 * @param to the server the client is connected to now
 */
public record ServerChanged(URI from, URI to) {
  public ServerChanged {
    Objects.requireNonNull(to, "to");
  }
}
