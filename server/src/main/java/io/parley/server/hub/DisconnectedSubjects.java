package io.parley.server.hub;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token subjects an operator disconnected, as stateless readers (HTTP polls) learn it: a reader has
 * no session to close, so its next poll is refused instead. A disconnect that lets the client come
 * back is told once; one that does not is told to every poll until it expires. Bounded: past {@link
 * #MAX_ENTRIES} the oldest entry is forgotten first. Thread-safe (guarded by this object).
 */
final class DisconnectedSubjects {
  /** Subjects remembered at most. */
  static final int MAX_ENTRIES = 10_000;

  private record Entry(Refusal reason, long untilMillis) {}

  private final LinkedHashMap<String, Entry> entries =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  /** Remembers that {@code subject} was disconnected for {@code reason} until {@code until}. */
  synchronized void add(String subject, Refusal reason, long untilMillis) {
    entries.remove(subject);
    entries.put(subject, new Entry(reason, untilMillis));
  }

  /**
   * The reason to refuse a stateless read by {@code subject} at {@code nowMillis}, or {@code null}.
   * A retryable reason is given once, then forgotten.
   */
  synchronized Refusal take(String subject, long nowMillis) {
    if (subject == null || entries.isEmpty()) {
      return null;
    }
    Entry entry = entries.get(subject);
    if (entry == null) {
      return null;
    }
    if (nowMillis >= entry.untilMillis() || entry.reason().code().retryable()) {
      entries.remove(subject);
    }
    return nowMillis >= entry.untilMillis() ? null : entry.reason();
  }
}
