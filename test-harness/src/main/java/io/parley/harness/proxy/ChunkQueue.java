package io.parley.harness.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

/**
 * Data held by a stage or writer, in arrival order, with its byte count and whether the source
 * ended behind it. Unbounded by itself: the owning link stops reading from the source while the
 * bytes held along it reach the proxy's limit. Not thread-safe; loop thread only.
 */
final class ChunkQueue {

  private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
  private long bytes;
  private boolean ended;

  void add(ByteBuffer data) {
    if (data.hasRemaining()) {
      bytes += data.remaining();
      chunks.add(data);
    }
  }

  void markEnded() {
    ended = true;
  }

  /** The source ended and everything before the end has left the queue. */
  boolean endReached() {
    return ended && chunks.isEmpty();
  }

  boolean isEmpty() {
    return chunks.isEmpty();
  }

  long bytes() {
    return bytes;
  }

  ByteBuffer poll() {
    ByteBuffer head = chunks.poll();
    if (head != null) {
      bytes -= head.remaining();
    }
    return head;
  }

  /** Removes up to {@code max} bytes from the head chunk; shares content, not position. */
  ByteBuffer take(int max) {
    ByteBuffer head = chunks.peek();
    if (head == null) {
      return ByteBuffer.allocate(0);
    }
    if (head.remaining() <= max) {
      return poll();
    }
    ByteBuffer piece = head.slice(head.position(), max);
    head.position(head.position() + max);
    bytes -= max;
    return piece;
  }

  /**
   * Writes head chunks to {@code channel} until one is written partially or the queue is empty.
   *
   * @return the number of bytes written
   */
  long writeTo(WritableByteChannel channel) throws IOException {
    long written = 0;
    ByteBuffer head;
    while ((head = chunks.peek()) != null) {
      int n = channel.write(head);
      written += n;
      bytes -= n;
      if (head.hasRemaining()) {
        break;
      }
      chunks.poll();
    }
    return written;
  }

  /** Hands every chunk to {@code sink} in order, then the end if the source ended. */
  void drainTo(Sink sink) {
    ByteBuffer chunk;
    while ((chunk = poll()) != null) {
      sink.accept(chunk);
    }
    if (ended) {
      ended = false;
      sink.end();
    }
  }

  /** Drops everything, including a pending end. */
  void clear() {
    chunks.clear();
    bytes = 0;
    ended = false;
  }
}
