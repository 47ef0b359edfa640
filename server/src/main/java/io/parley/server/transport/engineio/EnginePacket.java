package io.parley.server.transport.engineio;

import io.parley.server.transport.SharedText;
import java.util.Objects;

/**
 * One Engine.IO packet: a type and either text data, binary data or nothing. A packet may carry its
 * complete wire text ({@link #preEncoded}), computed once and shared by many connections. Immutable
 * and thread-safe (binary arrays are never modified after construction).
 *
 * @param type the packet type
 * @param text the text data, or {@code null}
 * @param binary the binary data of a binary message, or {@code null}
 * @param shared the whole encoded text packet including its type digit, shared by the connections
 *     it goes to (so that WebSockets deflate it once), or {@code null}
 */
public record EnginePacket(EnginePacketType type, String text, byte[] binary, SharedText shared) {
  static final EnginePacket NOOP = new EnginePacket(EnginePacketType.NOOP, null, null, null);
  static final EnginePacket CLOSE = new EnginePacket(EnginePacketType.CLOSE, null, null, null);
  static final EnginePacket PING = new EnginePacket(EnginePacketType.PING, null, null, null);

  public EnginePacket {
    Objects.requireNonNull(type, "type");
  }

  public static EnginePacket of(EnginePacketType type, String text) {
    return new EnginePacket(type, text, null, null);
  }

  /** A text message. */
  public static EnginePacket message(String text) {
    return new EnginePacket(EnginePacketType.MESSAGE, text, null, null);
  }

  /** A binary message. */
  public static EnginePacket binary(byte[] data) {
    return new EnginePacket(EnginePacketType.MESSAGE, null, data, null);
  }

  /** A text message given as its complete wire text, {@code 4...}. */
  public static EnginePacket preEncoded(String wire) {
    return new EnginePacket(EnginePacketType.MESSAGE, null, null, new SharedText(wire));
  }

  /** The whole encoded text packet of a {@link #preEncoded} packet, or {@code null}. */
  public String wire() {
    return shared == null ? null : shared.text();
  }

  public boolean isBinary() {
    return binary != null;
  }

  /** The Socket.IO-level text of a text message packet ({@code ""} when it has none). */
  public String messageText() {
    if (shared != null) {
      return shared.text().substring(1);
    }
    return text == null ? "" : text;
  }
}
