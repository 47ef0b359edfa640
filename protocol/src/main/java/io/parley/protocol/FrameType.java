package io.parley.protocol;

/** The {@code type} of every native frame, with its wire name. Immutable and thread-safe. */
public enum FrameType {
  HELLO("hello", true, false),
  SUBSCRIBE("subscribe", true, false),
  UNSUBSCRIBE("unsubscribe", true, false),
  PUBLISH("publish", true, false),
  AUTH("auth", true, false),
  /**
   * Either peer asks for a {@code pong}: the client to measure latency, the server as heartbeat.
   */
  PING("ping", true, true),
  PONG("pong", true, true),
  WELCOME("welcome", false, true),
  SUBSCRIBED("subscribed", false, true),
  UNSUBSCRIBED("unsubscribed", false, true),
  MESSAGE("message", false, true),
  ACK("ack", false, true),
  GAP("gap", false, true),
  ERROR("error", false, true),
  RECONNECT("reconnect", false, true);

  private final String wireName;
  private final boolean fromClient;
  private final boolean fromServer;

  FrameType(String wireName, boolean fromClient, boolean fromServer) {
    this.wireName = wireName;
    this.fromClient = fromClient;
    this.fromServer = fromServer;
  }

  /** The lowercase name used in the {@code type} field. */
  public String wireName() {
    return wireName;
  }

  /** Whether clients send this frame. */
  public boolean fromClient() {
    return fromClient;
  }

  /** Whether the server sends this frame. */
  public boolean fromServer() {
    return fromServer;
  }

  /** Returns the type with this wire name, or {@code null} when there is none. */
  public static FrameType fromWireName(String wireName) {
    for (FrameType type : values()) {
      if (type.wireName.equals(wireName)) {
        return type;
      }
    }
    return null;
  }
}
