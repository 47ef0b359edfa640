package io.parley.server.eventlog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.Transport;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the {@link EventLog}, as {@code GET /realtime/admin/events} and the live feed write
 * it. Immutable and thread-safe.
 *
 * @param id its place in the log: 1 for the first event since the node started, then 2, 3 …
 * @param at when it was recorded (wall clock)
 * @param kind what happened
 * @param user the token subject concerned, or {@code null} (anonymous, unknown); for {@link
 *     Kind#ADMIN_ACTION} the operator who acted
 * @param session the session concerned, or {@code null}; for {@link Kind#ADMIN_ACTION} the session
 *     the operator named, if any
 * @param transport the transport concerned, or {@code null} (stateless HTTP, the admin API)
 * @param reason a short machine-readable reason, or {@code null}: a disconnect's reason tag ({@code
 *     client_close}), a refusal's error code ({@code TOKEN_EXPIRED}), an admin action's name
 *     ({@code disconnect})
 * @param detail a sentence for people, or {@code null}
 */
public record LoggedEvent(
    long id,
    Instant at,
    Kind kind,
    String user,
    String session,
    Transport transport,
    String reason,
    String detail) {

  /** What an entry records: the {@code kind} field's values. */
  public enum Kind {
    /** A session opened. */
    CONNECTED,
    /** A session ended; {@code reason} says why. */
    DISCONNECTED,
    /** A session moved to another transport (Socket.IO polling to WebSocket). */
    TRANSPORT_CHANGED,
    /**
     * A token was missing, refused, or lacked the admin group, on any transport or the admin API.
     */
    AUTH_FAILED,
    /** An operator disconnected, broadcast or drained through the admin API. */
    ADMIN_ACTION
  }

  public LoggedEvent {
    if (id < 1) {
      throw new IllegalArgumentException("id must be at least 1 but was " + id);
    }
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
  }

  /** Writes this entry's fields into {@code json}, every field present ({@code null} included). */
  public ObjectNode writeTo(ObjectNode json) {
    json.put("id", id);
    json.put("at", at.toString());
    json.put("kind", kind.name());
    json.put("user", user);
    json.put("session", session);
    json.put("transport", transport == null ? null : transport.name());
    json.put("reason", reason);
    json.put("detail", detail);
    return json;
  }
}
