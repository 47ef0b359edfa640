package io.parley.client;

/**
 * The immutable, thread-safe root of every failure the Parley client reports. Unchecked; subtypes
 * carry the context (error code, transport, channel, capacity).
 */
public class ParleyException extends RuntimeException {

  public ParleyException(String message) {
    super(message);
  }

  public ParleyException(String message, Throwable cause) {
    super(message, cause);
  }
}
