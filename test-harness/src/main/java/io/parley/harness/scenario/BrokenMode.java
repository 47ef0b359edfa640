package io.parley.harness.scenario;

/**
 * Immutable and thread-safe. <b>For tests of the harness itself:</b> a way to make the subscribing
 * clients behave like a client with a bug, to show that the invariant check catches it. The bug is
 * played by the application side of a real {@code ParleyClient}: on each lost connection the
 * harness drops its subscription and subscribes again the wrong way, so the wrong messages really
 * travel over the wire.
 */
public enum BrokenMode {
  /** A correct client. */
  NONE,
  /**
   * Dedup disabled: after each lost connection the subscription starts over from the beginning of
   * the channel, so messages already delivered are delivered again.
   */
  DEDUP_DISABLED,
  /**
   * Resume disabled: after each lost connection the subscription starts live, so what was published
   * while the client was away is silently skipped.
   */
  RESUME_DISABLED
}
