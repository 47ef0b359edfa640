package io.parley.protocol;

/** Wire limits shared by server and clients; servers may configure tighter ones. Thread-safe. */
public final class Limits {
  /** Default largest native frame or HTTP body, in bytes of UTF-8: 64 KiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

  /** Longest request id, idempotency id or client id, in characters. */
  public static final int MAX_ID_LENGTH = 128;

  /** Longest event name, in characters. */
  public static final int MAX_EVENT_LENGTH = 200;

  /** Longest token, in characters. */
  public static final int MAX_TOKEN_LENGTH = 8 * 1024;

  /** Longest epoch id, in characters. */
  public static final int MAX_EPOCH_LENGTH = 64;

  private Limits() {}
}
