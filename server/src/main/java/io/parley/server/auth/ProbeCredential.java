package io.parley.server.auth;

import io.parley.protocol.ChannelName;
import io.parley.server.config.RunTimeRandom;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The credential of the node's own transport self-tests ({@code io.parley.server.health}): a random
 * secret made when the process starts, held only in memory and never logged, configured or sent
 * anywhere but to this process' own loopback port. {@link TokenVerifier} turns it into {@link
 * #IDENTITY}, the only identity allowed on {@link #CHANNEL_PREFIX} channels. Nobody outside the
 * process can present it, so no user can pass for the probe. Immutable and thread-safe.
 */
public final class ProbeCredential {
  /**
   * Prefix of the reserved probe channels. Users are refused subscribe, poll and publish on them
   * with {@code CHANNEL_RESERVED}, whatever their token grants (wildcards and the publisher role
   * included), so probe messages never reach them.
   */
  public static final String CHANNEL_PREFIX = "_probe:";

  /**
   * The marker of probe sessions: their subject, and the client id they present. A user token with
   * this {@code sub} does not make a probe session; only {@link Identity#probe()} does.
   */
  public static final String SUBJECT = "parley-probe";

  /** The identity the secret stands for: probe channels only, nothing else. */
  public static final Identity IDENTITY =
      new Identity(
          SUBJECT,
          ChannelPatterns.of(java.util.List.of(CHANNEL_PREFIX + "*")),
          ChannelPatterns.of(java.util.List.of(CHANNEL_PREFIX + "*")),
          false,
          false,
          Long.MAX_VALUE,
          true);

  /** Drawn on first use, at run time: never in a static initializer (see {@link RunTimeRandom}). */
  private static volatile byte[] secret;

  private ProbeCredential() {}

  /** The token the probe presents; only this process knows it. */
  public static String token() {
    return new String(secret(), StandardCharsets.US_ASCII);
  }

  /** Whether {@code token} is the probe's secret, compared in constant time. */
  static boolean matches(String token) {
    return token != null
        && MessageDigest.isEqual(secret(), token.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether {@code channel} is a reserved probe channel. */
  public static boolean isProbeChannel(String channel) {
    return channel.startsWith(CHANNEL_PREFIX);
  }

  /** A fresh probe channel name, unique to one self-test. */
  public static String channel(String node, String run) {
    String name = CHANNEL_PREFIX + node + ":" + run;
    if (!ChannelName.isValid(name)) {
      throw new IllegalArgumentException("probe channel " + name + " is not a valid channel name");
    }
    return name;
  }

  private static byte[] secret() {
    byte[] current = secret;
    if (current == null) {
      synchronized (ProbeCredential.class) {
        current = secret;
        if (current == null) {
          current = ("probe." + RunTimeRandom.urlSafeId(32)).getBytes(StandardCharsets.US_ASCII);
          secret = current;
        }
      }
    }
    return current;
  }
}
