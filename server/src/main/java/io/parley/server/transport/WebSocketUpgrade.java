package io.parley.server.transport;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * What every WebSocket Parley accepts (Engine.IO's and {@code /ws}) goes through right after its
 * handshake. Stateless; call it on the socket's event loop.
 */
public final class WebSocketUpgrade {
  /** The name Vert.x gives the HTTP idle timeout's handler in a connection's pipeline. */
  private static final String IDLE_HANDLER = "idle";

  private WebSocketUpgrade() {}

  /**
   * Lets go of what an open WebSocket no longer needs:
   *
   * <ul>
   *   <li>the handshake's headers, which Vert.x keeps for {@code ws.headers()} for the socket's
   *       life (about 1 KB per connection with seven headers, more with a browser's; read what you
   *       need from them before this);
   *   <li>the HTTP idle timeout's {@code IdleStateHandler}: both transports end a silent connection
   *       with their own heartbeat, and the handler makes every write allocate a promise and a
   *       listener.
   * </ul>
   *
   * The handler is reached through Vert.x's {@code ConnectionBase}, an internal API pinned by
   * Quarkus; where the connection is not one (another Vert.x), the handler stays.
   */
  public static void trim(HttpServerRequest request, ServerWebSocket ws) {
    ws.headers().clear();
    if (request.connection() instanceof ConnectionBase connection) {
      ChannelPipeline pipeline = connection.channel().pipeline();
      if (pipeline.get(IDLE_HANDLER) != null) {
        pipeline.remove(IDLE_HANDLER);
      }
    }
  }
}
