package io.parley.server.hub;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection as the hub sees it, whatever its transport. Created by {@link Hub#open},
 * ended by {@link Hub#close}. Thread-safe.
 */
public final class Session {
  private final String id;
  private final String clientId;
  private final String subject;
  private final SessionSink sink;
  final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private volatile boolean closed;

  Session(String id, String clientId, String subject, SessionSink sink) {
    this.id = Objects.requireNonNull(id, "id");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.subject = subject;
    this.sink = Objects.requireNonNull(sink, "sink");
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
    return subject;
  }

  /** The channels this session is subscribed to, including the automatic ones. */
  public Set<String> channels() {
    return Collections.unmodifiableSet(subscriptions.keySet());
  }

  /** Whether the session has been closed or is being disconnected. */
  public boolean isClosed() {
    return closed;
  }

  SessionSink sink() {
    return sink;
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
