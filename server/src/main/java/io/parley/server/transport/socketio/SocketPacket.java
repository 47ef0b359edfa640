package io.parley.server.transport.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One Socket.IO v5 packet. Binary attachments live inside {@code data} as Jackson {@code
 * BinaryNode}s; the codec turns them into placeholders and separate binary packets on the wire.
 * Immutable once built (do not modify {@code data} afterwards) and thread-safe.
 *
 * @param type the packet type; EVENT and ACK are sent as their BINARY_ forms when data holds binary
 * @param namespace the namespace, {@code /} by default
 * @param id the ack id, or {@code null}
 * @param data the payload (an array for events and acks, an object for connect), or {@code null}
 */
public record SocketPacket(SocketPacketType type, String namespace, Long id, JsonNode data) {
  public SocketPacket {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(namespace, "namespace");
  }
}
