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
  private byte[] utf8;
  private byte[] deflated;

  public SharedText(String text) {
    this.text = Objects.requireNonNull(text, "text");
  }

  public String text() {
    return text;
  }

  /** The text as UTF-8. Do not modify the array. */
  public synchronized byte[] utf8() {
    if (utf8 == null) {
      utf8 = text.getBytes(StandardCharsets.UTF_8);
    }
    return utf8;
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
