package io.parley.server.transport;

import io.parley.protocol.codec.FrameCodec;
import io.parley.server.hub.Encoding;

/**
 * The native {@code message} frame as JSON text, shared by {@code /ws} (one text frame per message)
 * and {@code /realtime/poll} (the {@code messages} array): both send the same text, computed once
 * per message. Thread-safe.
 */
public final class NativeFrameEncoding {
  /** Encoding needs no limits, only the codec's writer. */
  private static final FrameCodec WRITER = FrameCodec.create();

  /** A message as its native frame, {@code {"type":"message",...}}. */
  public static final Encoding<String> MESSAGE =
      Encoding.of("native", message -> WRITER.encode(message.frame()));

  /**
   * {@link #MESSAGE} for WebSockets: its UTF-8 bytes, and its deflated form where a socket
   * negotiated compression, are computed once, by the first connection that needs them.
   */
  public static final Encoding<SharedText> SHARED =
      Encoding.of("native-shared", message -> new SharedText(message.encoded(MESSAGE)));

  private NativeFrameEncoding() {}
}
