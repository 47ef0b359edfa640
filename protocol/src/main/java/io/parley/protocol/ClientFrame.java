package io.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** A frame a client sends to the server. Immutable and thread-safe. */
public sealed interface ClientFrame extends Frame {

  /**
   * Opens a session. Must be the first frame on {@code /ws}.
   *
   * @param token a JWT, or {@code null} when the transport already carried one or none is needed
   * @param clientId the client's stable id; scopes publish idempotency ids
   */
  record Hello(String token, String clientId) implements ClientFrame {
    public Hello {
      Objects.requireNonNull(clientId, "clientId");
    }

    @Override
    public FrameType type() {
      return FrameType.HELLO;
    }
  }

  /**
   * Subscribes to a channel, replaying what came after {@code since} first.
   *
   * @param id the request id echoed in {@code subscribed} or {@code error}
   * @param channel the channel name
   * @param since the last position the client processed, or {@code null} to start live
   */
  record Subscribe(String id, String channel, Position since) implements ClientFrame {
    public Subscribe {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(channel, "channel");
    }

    @Override
    public FrameType type() {
      return FrameType.SUBSCRIBE;
    }
  }

  /** Leaves a channel. */
  record Unsubscribe(String id, String channel) implements ClientFrame {
    public Unsubscribe {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(channel, "channel");
    }

    @Override
    public FrameType type() {
      return FrameType.UNSUBSCRIBE;
    }
  }

  /**
   * Publishes one message.
   *
   * @param id the idempotency id: a retry with the same id (and client id) is acknowledged with the
   *     original {@code seq} and not delivered again
   * @param channel the channel name
   * @param event the application's event name
   * @param data any JSON value
   */
  record Publish(String id, String channel, String event, JsonNode data) implements ClientFrame {
    public Publish {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(data, "data");
    }

    @Override
    public FrameType type() {
      return FrameType.PUBLISH;
    }
  }

  /** Asks for a {@code pong} with the same timestamp, to measure round-trip time. */
  record Ping(long ts) implements ClientFrame {
    @Override
    public FrameType type() {
      return FrameType.PING;
    }
  }

  /** Answers the server's heartbeat {@code ping} with its timestamp. */
  record Pong(long ts) implements ClientFrame {
    @Override
    public FrameType type() {
      return FrameType.PONG;
    }
  }

  /** Replaces the connection's token while connected (refresh before expiry). */
  record Auth(String token) implements ClientFrame {
    public Auth {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public FrameType type() {
      return FrameType.AUTH;
    }
  }
}
