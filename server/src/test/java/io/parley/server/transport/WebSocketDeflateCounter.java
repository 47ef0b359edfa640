package io.parley.server.transport;

/** Reads {@link WebSocketDeflate}'s count of deflated messages, for tests in other packages. */
public final class WebSocketDeflateCounter {
  private WebSocketDeflateCounter() {}

  /** Messages deflated since startup. */
  public static long deflated() {
    return WebSocketDeflate.DEFLATED.sum();
  }
}
