package io.parley.harness.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The last sink of a link: queues data for the destination socket and writes it when the socket can
 * take it. After the end it shuts the socket's output down (half-close). Not thread-safe; loop
 * thread only. The queue is bounded by the link's limit, which stops reading upstream of it.
 */
final class Writer implements Sink {

  private final ProxiedConnection connection;
  private final SocketChannel channel;
  private final boolean upstream;
  private final ChunkQueue queue = new ChunkQueue();
  private boolean ready;
  private boolean sealed;
  private boolean outputShut;

  Writer(ProxiedConnection connection, SocketChannel channel, boolean upstream) {
    this.connection = connection;
    this.channel = channel;
    this.upstream = upstream;
  }

  @Override
  public void accept(ByteBuffer data) {
    if (sealed || outputShut || connection.isClosed()) {
      return;
    }
    queue.add(data);
    flush();
  }

  @Override
  public void end() {
    if (sealed || outputShut) {
      return;
    }
    queue.markEnded();
    flush();
  }

  /** The destination is connected: start writing. */
  void ready() {
    ready = true;
    flush();
  }

  /** Queues {@code last} after what is queued; everything after it is dropped. */
  void acceptLast(ByteBuffer last) {
    if (sealed || outputShut || connection.isClosed()) {
      return;
    }
    queue.add(last);
    sealed = true;
    flush();
  }

  /** Drops what is queued and everything that comes later: the destination is going away. */
  void discard() {
    queue.clear();
    sealed = true;
  }

  void flush() {
    if (!ready || connection.isClosed()) {
      return;
    }
    try {
      long written = queue.writeTo(channel);
      connection.countWritten(upstream, written);
      if (queue.endReached() && !outputShut) {
        outputShut = true;
        channel.shutdownOutput();
      }
    } catch (IOException e) {
      connection.fail("writing " + (upstream ? "upstream" : "downstream"), e);
    }
  }

  boolean wantsWrite() {
    return ready && !queue.isEmpty();
  }

  long queued() {
    return queue.bytes();
  }

  /** The end has been written and the destination's output shut down. */
  boolean finished() {
    return outputShut;
  }
}
