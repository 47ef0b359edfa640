package io.parley.client.internal.transport;

import io.parley.client.ParleyException;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;

/**
 * One kind of transport, which opens {@link Connection}s; implementations are thread-safe. A
 * transport translates between its wire and the protocol's frames: whatever the wire, the listener
 * sees a {@link ServerFrame.Welcome} first (synthesized where the wire has none), then frames in
 * wire order. Transports without a native ping drop {@link ClientFrame.Ping} and {@link
 * ClientFrame.Pong}, and report signs of life as {@link ServerFrame.Ping}.
 */
public interface ClientTransport {

  /** Which rung of the ladder this is. */
  Transport kind();

  /**
   * Starts connecting and returns at once. The listener may be called on any thread, even before
   * this method returns.
   */
  Connection open(ConnectRequest request, Listener listener);

  /** Releases what the transport shares between connections (threads, pools). Idempotent. */
  void close();

  /**
   * What a connection presents to the server.
   *
   * @param token the JWT, or {@code null} for anonymous
   * @param clientId the client's stable id
   */
  record ConnectRequest(String token, String clientId) {}

  /** One connection. Thread-safe. */
  interface Connection {

    /**
     * Queues a frame. Never blocks.
     *
     * @return false when the connection is closed or its send queue is full (then it fails)
     */
    boolean send(ClientFrame frame);

    /** Closes the connection; the listener gets no call after this returns. Idempotent. */
    void close();
  }

  /**
   * Receives one connection's events, on the transport's threads: implementations must hand them
   * off at once and never block. No call follows {@link #onClosed}.
   */
  interface Listener {

    /**
     * A frame from the server; the first is always the welcome. Every wire's publish acknowledgment
     * arrives here as a {@link ServerFrame.Ack}, and its refusal as a {@link ServerFrame.Error}
     * with the publish's id.
     */
    void onFrame(ServerFrame frame);

    /**
     * The connection failed or the server closed it; the final call. Typed: {@code
     * AuthenticationException} when the server refused the token, {@code ProtocolException} for
     * unreadable input, {@code ConnectionException} otherwise.
     */
    void onClosed(ParleyException cause);
  }
}
