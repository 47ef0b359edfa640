package io.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** A frame the server sends to a client. Immutable and thread-safe. */
public sealed interface ServerFrame extends Frame {

  /**
   * Answers {@code hello}.
   *
   * @param sessionId this connection's session; its channel is {@code session:<sessionId>}
   * @param heartbeat how often the server pings and how long it waits for the client
   * @param node the id of the server node that holds the connection
   */
  record Welcome(String sessionId, Heartbeat heartbeat, String node) implements ServerFrame {
    public Welcome {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(heartbeat, "heartbeat");
      Objects.requireNonNull(node, "node");
    }

    @Override
    public FrameType type() {
      return FrameType.WELCOME;
    }
  }

  /**
   * The server's heartbeat settings.
   *
   * @param intervalMs the server sends a {@code ping} at least this often, in milliseconds
   * @param timeoutMs the server closes a connection it has heard nothing from for this long
   */
  record Heartbeat(long intervalMs, long timeoutMs) {}

  /**
   * Confirms a subscription.
   *
   * @param position the channel's position when the subscription took effect; live messages follow
   *     it
   * @param recovered whether every message after the request's {@code since} was replayed
   */
  record Subscribed(String id, String channel, Position position, boolean recovered)
      implements ServerFrame {
    public Subscribed {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(position, "position");
    }

    @Override
    public FrameType type() {
      return FrameType.SUBSCRIBED;
    }
  }

  /** Confirms that the connection left a channel; nothing of it follows. */
  record Unsubscribed(String id, String channel) implements ServerFrame {
    public Unsubscribed {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(channel, "channel");
    }

    @Override
    public FrameType type() {
      return FrameType.UNSUBSCRIBED;
    }
  }

  /** One message of a channel, replayed or live. */
  record Message(String channel, String epoch, long seq, String event, JsonNode data, long ts)
      implements ServerFrame {
    public Message {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(epoch, "epoch");
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(data, "data");
    }

    /** This message's position in its channel. */
    public Position position() {
      return new Position(epoch, seq);
    }

    @Override
    public FrameType type() {
      return FrameType.MESSAGE;
    }
  }

  /**
   * Acknowledges a publish: the message got position {@code epoch}:{@code seq} in its channel (the
   * original one for a retry).
   */
  record Ack(String id, long seq, String epoch) implements ServerFrame {
    public Ack {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(epoch, "epoch");
    }

    @Override
    public FrameType type() {
      return FrameType.ACK;
    }
  }

  /**
   * Says that the messages after {@code from} up to and including {@code to} cannot be replayed:
   * they fell out of history, or {@code from} belongs to a lost epoch. Replay continues after
   * {@code to}.
   */
  record Gap(String channel, Position from, Position to) implements ServerFrame {
    public Gap {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public FrameType type() {
      return FrameType.GAP;
    }
  }

  /**
   * Reports a failure.
   *
   * @param id the id of the request that failed, or {@code null} when it is not about one
   * @param code what went wrong
   * @param category how to react; normally {@code code.category()}
   * @param message a sentence for people: which field, what was expected
   * @param retryable whether the same request may succeed later
   * @param field the offending field, or {@code null}
   * @param retryAfterMs how long to wait before retrying, in milliseconds (as HTTP's {@code
   *     Retry-After}, e.g. with {@code RATE_LIMITED}); 0 when the server gave no hint
   */
  record Error(
      String id,
      ErrorCode code,
      ErrorCategory category,
      String message,
      boolean retryable,
      String field,
      long retryAfterMs)
      implements ServerFrame {
    public Error {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(message, "message");
      if (retryAfterMs < 0) {
        throw new IllegalArgumentException("retryAfterMs must be >= 0 but was " + retryAfterMs);
      }
    }

    /** An error without a retry hint. */
    public Error(
        String id,
        ErrorCode code,
        ErrorCategory category,
        String message,
        boolean retryable,
        String field) {
      this(id, code, category, message, retryable, field, 0);
    }

    /** An error with the code's own category and retryability. */
    public static Error of(String id, ErrorCode code, String message, String field) {
      return new Error(id, code, code.category(), message, code.retryable(), field);
    }

    /** This error with a retry hint of {@code retryAfterMs} milliseconds. */
    public Error withRetryAfterMs(long retryAfterMs) {
      return new Error(id, code, category, message, retryable, field, retryAfterMs);
    }

    @Override
    public FrameType type() {
      return FrameType.ERROR;
    }
  }

  /** Answers {@code ping} with its timestamp. */
  record Pong(long ts) implements ServerFrame {
    @Override
    public FrameType type() {
      return FrameType.PONG;
    }
  }

  /** Asks the client to reconnect after {@code afterMs}, e.g. because the node drains. */
  record Reconnect(String reason, long afterMs) implements ServerFrame {
    public Reconnect {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public FrameType type() {
      return FrameType.RECONNECT;
    }
  }

  /** The server's heartbeat; the client answers with {@code pong} and the same timestamp. */
  record Ping(long ts) implements ServerFrame {
    @Override
    public FrameType type() {
      return FrameType.PING;
    }
  }
}
