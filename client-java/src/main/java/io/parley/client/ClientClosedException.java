package io.parley.client;

/**
 * An immutable, thread-safe report that the client was closed: the operation was refused, or it was
 * pending when {@code close()} was called.
 */
public class ClientClosedException extends ParleyException {

  public ClientClosedException() {
    super("the client is closed");
  }
}
