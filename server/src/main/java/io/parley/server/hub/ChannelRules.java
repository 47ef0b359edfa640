package io.parley.server.hub;

import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.server.auth.Identity;
import io.parley.server.auth.ProbeCredential;

/**
 * Who may do what on which channel, for every transport: the one place that knows session channels
 * ({@code session:<id>}) are reserved, that a connection's automatic channels are its own, and
 * which token grants are needed. Each check returns the {@link Refusal} to give, or {@code null}
 * when the operation is allowed. Stateless and thread-safe.
 */
public final class ChannelRules {
  private static final String CHANNEL = "channel";

  private ChannelRules() {}

  /**
   * Why a stateless reader may not poll {@code channel} whoever it is, or {@code null}: a session
   * channel belongs to one connection, and a poll has none of its own. Checked where a poll body is
   * read, before any token; {@link #refuseRead(Identity, String)} includes it.
   */
  public static Refusal refuseRead(String channel) {
    if (isSessionChannel(channel)) {
      return reserved(
          "channel '" + channel + "' is reserved for one connection; it cannot be polled");
    }
    return null;
  }

  /**
   * Why {@code reader} may not read {@code channel} over a stateless transport, or {@code null}.
   */
  static Refusal refuseRead(Identity reader, String channel) {
    Refusal reserved = refuseRead(channel);
    if (reserved != null) {
      return reserved;
    }
    Refusal probe = refuseProbeChannel(reader, "read", channel);
    if (probe != null) {
      return probe;
    }
    return isBroadcast(channel) || reader.maySubscribe(channel)
        ? null
        : forbidden("subscribe", channel);
  }

  /** Why {@code session} may not subscribe to {@code channel}, or {@code null}. */
  static Refusal refuseSubscribe(Session session, String channel) {
    if (isSessionChannel(channel)) {
      return reserved(
          "channel " + channel + " is reserved: each connection is in its own session channel");
    }
    Refusal probe = refuseProbeChannel(session.identity(), "subscribe to", channel);
    if (probe != null) {
      return probe;
    }
    // Every session is in the broadcast channel already: subscribing answers ALREADY_SUBSCRIBED.
    return isBroadcast(channel) || session.identity().maySubscribe(channel)
        ? null
        : forbidden("subscribe", channel);
  }

  /** Why a session may not leave {@code channel}, or {@code null}. */
  static Refusal refuseUnsubscribe(String channel) {
    if (isSessionChannel(channel)) {
      return reserved(
          "channel " + channel + " is reserved: each connection stays in its own session channel");
    }
    if (isBroadcast(channel)) {
      return reserved(
          "channel " + channel + " is reserved: every connection stays in the broadcast channel");
    }
    return null;
  }

  /**
   * Why a connected client may not publish to {@code channel}, or {@code null} when only its
   * token's grants are left to check ({@link #refusePublish}): even the publisher role cannot reach
   * another session's channel from a connection.
   */
  static Refusal refuseSessionPublish(String channel) {
    if (isSessionChannel(channel)) {
      return reserved("clients cannot publish to session channels; backends can, over HTTP");
    }
    return refuseBroadcastPublish(channel);
  }

  /** Why {@code publisher}'s token does not let it publish to {@code channel}, or {@code null}. */
  static Refusal refusePublish(Identity publisher, String channel) {
    Refusal probe = refuseProbeChannel(publisher, "publish to", channel);
    if (probe != null) {
      return probe;
    }
    Refusal broadcast = refuseBroadcastPublish(channel);
    if (broadcast != null) {
      return broadcast;
    }
    if (publisher.mayPublish(channel)) {
      return null;
    }
    if (isSessionChannel(channel)) {
      return reserved(
          "session channels are for backends: publishing to "
              + channel
              + " needs the publisher role");
    }
    return forbidden("publish", channel);
  }

  /**
   * Why a refreshed token no longer lets {@code session} stay in {@code channel}, or {@code null}:
   * its automatic channels always stay.
   */
  static Refusal refuseKeeping(Session session, Identity fresh, String channel) {
    if (isAutomatic(session, channel) || fresh.maySubscribe(channel)) {
      return null;
    }
    return Refusal.of(
        ErrorCode.FORBIDDEN,
        "the refreshed token does not grant channel " + channel + "; unsubscribed",
        CHANNEL);
  }

  /** Whether {@code channel} is one of the session's automatic channels (its own, its user's). */
  static boolean isAutomatic(Session session, String channel) {
    return channel.equals(ChannelName.ofSession(session.id()))
        || isBroadcast(channel)
        || (session.subject() != null && channel.equals(ChannelName.ofUser(session.subject())));
  }

  /** The session id a session channel belongs to, or {@code null} for any other channel. */
  static String sessionOf(String channel) {
    return isSessionChannel(channel)
        ? channel.substring(ChannelName.SESSION_PREFIX.length())
        : null;
  }

  /**
   * Nobody publishes to the broadcast channel, whatever their role: operators use the admin API.
   */
  private static Refusal refuseBroadcastPublish(String channel) {
    if (isBroadcast(channel)) {
      return reserved(
          "channel "
              + channel
              + " is reserved for operators' notices; they are sent with POST"
              + " /realtime/admin/broadcast");
    }
    return null;
  }

  /**
   * Why {@code who} may not {@code operation} {@code channel}, or {@code null}: the probe channels
   * ({@link ProbeCredential#CHANNEL_PREFIX}) belong to the node's self-tests, whatever a token
   * grants (wildcards and the publisher role included).
   */
  private static Refusal refuseProbeChannel(Identity who, String operation, String channel) {
    if (ProbeCredential.isProbeChannel(channel) && !who.probe()) {
      return reserved(
          "channel "
              + channel
              + " is reserved for the server's self-tests (prefix "
              + ProbeCredential.CHANNEL_PREFIX
              + "); no client may "
              + operation
              + " it");
    }
    return null;
  }

  private static boolean isBroadcast(String channel) {
    return ChannelName.BROADCAST.equals(channel);
  }

  private static boolean isSessionChannel(String channel) {
    return channel.startsWith(ChannelName.SESSION_PREFIX);
  }

  private static Refusal reserved(String message) {
    return Refusal.of(ErrorCode.CHANNEL_RESERVED, message, CHANNEL);
  }

  private static Refusal forbidden(String operation, String channel) {
    return Refusal.of(
        ErrorCode.FORBIDDEN,
        "the token does not grant " + operation + " on channel " + channel,
        CHANNEL);
  }
}
