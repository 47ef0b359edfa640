package io.parley.server.auth;

import io.parley.protocol.ChannelName;

/**
 * Who is on the other end of a connection or request, and what their token lets them do. Made by
 * {@link TokenVerifier} from a verified token, or {@link #anonymous} when anonymous access is
 * configured. Immutable and thread-safe.
 *
 * @param subject the token's {@code sub}; {@code null} for anonymous access
 * @param subscribe channels this identity may subscribe to, besides its own {@code user:<sub>}
 * @param publish channels this identity may publish to
 * @param publisher whether it has the publisher role: publish anywhere, session channels included
 * @param admin whether it has the admin role
 * @param expiresAtMillis when the token expires (epoch millis); {@link Long#MAX_VALUE} for never
 * @param probe whether this is the node's own self-test ({@link ProbeCredential}): the marker that
 *     sets probe sessions apart (metrics exclude or label them), and the only identity allowed on
 *     probe channels
 */
public record Identity(
    String subject,
    ChannelPatterns subscribe,
    ChannelPatterns publish,
    boolean publisher,
    boolean admin,
    long expiresAtMillis,
    boolean probe) {

  /** An identity from a token or anonymous access: never the probe. */
  public Identity(
      String subject,
      ChannelPatterns subscribe,
      ChannelPatterns publish,
      boolean publisher,
      boolean admin,
      long expiresAtMillis) {
    this(subject, subscribe, publish, publisher, admin, expiresAtMillis, false);
  }

  /** An identity without a token, granted what the configuration grants anonymous access. */
  public static Identity anonymous(
      ChannelPatterns subscribe, ChannelPatterns publish, boolean publisher) {
    return new Identity(null, subscribe, publish, publisher, false, Long.MAX_VALUE);
  }

  /** Whether this identity may subscribe to {@code channel}. */
  public boolean maySubscribe(String channel) {
    return (subject != null && channel.equals(ChannelName.ofUser(subject)))
        || subscribe.matches(channel);
  }

  /**
   * Whether this identity may publish to {@code channel}. Session channels are for backends only:
   * the publisher role is needed there whatever the patterns say.
   */
  public boolean mayPublish(String channel) {
    if (publisher) {
      return true;
    }
    return !channel.startsWith(ChannelName.SESSION_PREFIX) && publish.matches(channel);
  }

  /** Whether the token has expired at {@code nowMillis}. */
  public boolean expiredAt(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }
}
