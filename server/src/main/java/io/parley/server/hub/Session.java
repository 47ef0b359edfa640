package io.parley.server.hub;

import io.parley.protocol.Transport;
import io.parley.server.auth.Identity;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One client connection as the hub sees it, whatever its transport. Created by {@link Hub#open},
 * ended by {@link Hub#close}. Thread-safe.
 */
public final class Session {
  private final String id;
  private final String clientId;
  private final SessionSink sink;
  private final Transport transport;
  private final String address;
  private final long openedAtMillis;
  private volatile Identity identity;

  /** When the in-band refresh asked for at token expiry runs out (epoch millis); 0: not asked. */
  volatile long refreshDeadlineMillis;

  /** Sized for {@code user:<sub>} and one more; most connections hold few. */
  final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>(2);

  /** This connection's publish rate; made on its first publish (most connections never do). */
  private volatile TokenBucket publishBucket;

  private volatile boolean closed;

  /** Whether the cluster counted this session in its subject's connections; guarded by this. */
  private boolean countedInCluster;

  /** Whether the hub closed the session, so that it counts nowhere any more; guarded by this. */
  private boolean ended;

  Session(
      String id,
      String clientId,
      Identity identity,
      SessionSink sink,
      Transport transport,
      String address,
      long openedAtMillis) {
    this.id = Objects.requireNonNull(id, "id");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.transport = transport;
    this.address = address;
    this.openedAtMillis = openedAtMillis;
  }

  /** The transport the connection came over, as it reported itself; {@code null} if it did not. */
  public Transport transport() {
    return transport;
  }

  /** The client's network address as the transport saw it; {@code null} if it did not say. */
  public String address() {
    return address;
  }

  /** When the session was opened, epoch millis. */
  public long openedAtMillis() {
    return openedAtMillis;
  }

  /** The unguessable session id; the session's own channel is {@code session:<id>}. */
  public String id() {
    return id;
  }

  /** The client's stable id, which scopes its publish ids. */
  public String clientId() {
    return clientId;
  }

  /** The authenticated subject, or {@code null} for an anonymous session. */
  public String subject() {
    return identity.subject();
  }

  /** Who the session's current token speaks for; replaced by an in-band refresh. */
  public Identity identity() {
    return identity;
  }

  void identity(Identity identity) {
    this.identity = identity;
  }

  /**
   * The channels this session is subscribed to, including {@code user:<sub>}, and its own {@code
   * session:<id>} once a message for it has arrived (it is joined then).
   */
  public Set<String> channels() {
    return Collections.unmodifiableSet(subscriptions.keySet());
  }

  /** Whether the session has been closed or is being disconnected. */
  public boolean isClosed() {
    return closed;
  }

  /** This connection's publish rate, made by {@code create} on the first call. */
  TokenBucket publishBucket(Supplier<TokenBucket> create) {
    TokenBucket bucket = publishBucket;
    if (bucket == null) {
      synchronized (this) {
        bucket = publishBucket;
        if (bucket == null) {
          bucket = create.get();
          publishBucket = bucket;
        }
      }
    }
    return bucket;
  }

  SessionSink sink() {
    return sink;
  }

  /**
   * Records that the cluster counted this session; false when the hub already closed it (the caller
   * then takes the count back itself).
   */
  synchronized boolean countedInCluster() {
    if (ended) {
      return false;
    }
    countedInCluster = true;
    return true;
  }

  /** Records that the hub closed the session; returns whether the cluster had counted it. */
  synchronized boolean endClusterCount() {
    ended = true;
    boolean counted = countedInCluster;
    countedInCluster = false;
    return counted;
  }

  /** Marks the session closed; returns whether this call did it. */
  synchronized boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  @Override
  public String toString() {
    return "Session[" + id + ", client=" + clientId + "]";
  }
}
