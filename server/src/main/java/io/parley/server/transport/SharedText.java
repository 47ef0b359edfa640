package io.parley.server.transport;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A text message written to many WebSockets (one channel message fanned out to its subscribers),
 * with its UTF-8 bytes and its permessage-deflate form each computed at most once, on first need,
 * and then shared. Thread-safe.
 */
public final class SharedText {
  private final String text;

  /**
   * Set once; two threads may both compute it and one result wins, which is cheaper than a lock
   * taken by every socket a message is fanned out to. Volatile: the array's contents are published
   * with it.
   */
  private volatile byte[] utf8;

  private byte[] deflated;

  public SharedText(String text) {
    this.text = Objects.requireNonNull(text, "text");
  }

  public String text() {
    return text;
  }

  /** The text as UTF-8. Do not modify the array. */
  public byte[] utf8() {
    byte[] bytes = utf8;
    if (bytes == null) {
      bytes = text.getBytes(StandardCharsets.UTF_8);
      utf8 = bytes;
    }
    return bytes;
  }

  /** The text deflated as one permessage-deflate message. Do not modify the array. */
  public synchronized byte[] deflated() {
    if (deflated == null) {
      deflated = WebSocketDeflate.deflate(utf8());
    }
    return deflated;
  }

  @Override
  public String toString() {
    return "SharedText[" + text.length() + " chars]";
  }
}
