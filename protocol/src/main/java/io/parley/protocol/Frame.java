package io.parley.protocol;

/**
 * A native Parley frame: one JSON object with a {@code type}, sent over {@code /ws} or carried in
 * HTTP bodies. Client frames are {@link ClientFrame}s, server frames {@link ServerFrame}s. All
 * frames are immutable records and thread-safe.
 */
public sealed interface Frame permits ClientFrame, ServerFrame {

  /** The frame's {@code type} on the wire. */
  FrameType type();
}
