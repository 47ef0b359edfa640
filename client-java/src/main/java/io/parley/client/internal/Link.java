package io.parley.client.internal;

import io.parley.client.ParleyException;
import io.parley.client.internal.transport.ClientTransport;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.time.Scheduler.Cancellable;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Not thread-safe, used on the supervisor's {@link EventLoop}: one connection attempt or
 * connection, with what the supervisor asked on it. Only the {@link ClientTransport.Listener}
 * methods run on transport threads, and they do nothing but hand each event to the loop, in the
 * order the transport reported them.
 *
 * <p>Lifecycle: opened (connecting) → {@link #established} on the server's welcome → {@link #retire
 * retired} once, when it fails, is replaced or the client stops. A retired link's connection is
 * closed and its late events are ignored by the supervisor.
 */
final class Link implements ClientTransport.Listener {

  /** Why a link was opened, which decides what its failure means. */
  enum Role {
    /** Tried by a connection round while there is no connection. */
    MAIN,
    /** Opened beside the current connection (probe or migration); replaces it once ready. */
    CANDIDATE
  }

  /** What the supervisor does with a link's transport events; called on the loop only. */
  interface Events {
    void onFrame(Link link, ServerFrame frame);

    void onClosed(Link link, ParleyException cause);
  }

  /** The server this link connects to: one of the client's server URLs. */
  final URI server;

  final Transport kind;
  final Role role;
  private final EventLoop loop;
  private final Events events;

  /** Subscribe requests waiting for their answer: request id to channel. */
  final Map<String, String> subscribeRequests = new HashMap<>();

  /** Channels subscribed (or being subscribed) on this link. */
  final Set<String> requested = new HashSet<>();

  /** Channels the server confirmed on this link. */
  final Set<String> confirmed = new HashSet<>();

  /** The transport's connection; {@code null} when opening it threw. */
  ClientTransport.Connection connection;

  /** The token this connection presented last (on connect or in-band). */
  String token;

  /** Bounds connecting (and, for a candidate, getting ready); cancelled on retirement. */
  Cancellable connectTimer;

  /** Server errors without a request id seen on this link. */
  int errors;

  private ServerFrame.Welcome welcome;
  private boolean established;
  private boolean retired;
  private long establishedAt;
  private long lastHeard;

  Link(URI server, Transport kind, Role role, String token, EventLoop loop, Events events) {
    this.server = server;
    this.kind = kind;
    this.role = role;
    this.token = token;
    this.loop = loop;
    this.events = events;
  }

  /** Records the server's welcome at ticker time {@code nowNanos}. */
  void established(ServerFrame.Welcome welcome, long nowNanos) {
    this.established = true;
    this.welcome = welcome;
    this.establishedAt = nowNanos;
    this.lastHeard = nowNanos;
  }

  /** Records a frame heard at ticker time {@code nowNanos}. */
  void heard(long nowNanos) {
    lastHeard = nowNanos;
  }

  /** Stops the link: cancels its connect timer and closes its connection. Idempotent. */
  void retire() {
    if (retired) {
      return;
    }
    retired = true;
    if (connectTimer != null) {
      connectTimer.cancel();
    }
    if (connection != null) {
      connection.close();
    }
  }

  boolean isEstablished() {
    return established;
  }

  boolean isRetired() {
    return retired;
  }

  /** The server's welcome; {@code null} before {@link #established}. */
  ServerFrame.Welcome welcome() {
    return welcome;
  }

  /** Ticker time of the welcome. */
  long establishedAt() {
    return establishedAt;
  }

  /** Ticker time of the last frame heard. */
  long lastHeard() {
    return lastHeard;
  }

  @Override
  public void onFrame(ServerFrame frame) {
    loop.execute(() -> events.onFrame(this, frame));
  }

  @Override
  public void onClosed(ParleyException cause) {
    loop.execute(() -> events.onClosed(this, cause));
  }

  @Override
  public String toString() {
    return kind + "/" + role + (established ? "" : " (connecting)") + (retired ? " retired" : "");
  }
}
