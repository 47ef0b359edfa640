package io.parley.server.transport.websocket;

import io.parley.protocol.codec.FrameCodec;
import io.parley.server.hub.Encoding;

/**
 * The native {@code message} frame encoding, shared by {@code /ws} and {@code /realtime/poll}: both
 * send the same JSON text, computed once per message. Thread-safe.
 */
public final class NativeEncoding {
  /** Encoding needs no limits, only the codec's writer. */
  private static final FrameCodec WRITER = FrameCodec.create();

  /** A message as its native frame, {@code {"type":"message",...}}. */
  public static final Encoding<String> MESSAGE =
      Encoding.of("native", message -> WRITER.encode(message.frame()));

  private NativeEncoding() {}
}
