package io.parley.server.auth;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The dev profile's token authority: an RSA key pair made at startup and kept in memory only, a
 * parser that trusts it, and tokens signed with it. Tokens die with the process. Never used in
 * production: {@link AuthWiring} refuses it outside the dev and test profiles. Thread-safe.
 */
final class DevAuthority {
  static final String ISSUER = "parley-dev";
  static final String AUDIENCE = "parley";

  private final KeyPair keys;
  private final JWTParser parser;

  private DevAuthority(KeyPair keys) {
    this.keys = keys;
    JWTAuthContextInfo context = new JWTAuthContextInfo(keys.getPublic(), ISSUER);
    context.setExpectedAudience(Set.of(AUDIENCE));
    this.parser = new DefaultJWTParser(context);
  }

  static DevAuthority create() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new DevAuthority(generator.generateKeyPair());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no RSA key generator", e);
    }
  }

  JWTParser parser() {
    return parser;
  }

  /**
   * A token for {@code subject} that may subscribe and publish everywhere, with the publisher and
   * admin roles.
   */
  String broadToken(String subject, AuthSettings settings, Duration lifetime) {
    return Jwt.issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(subject)
        .groups(Set.of(settings.publisherRole(), settings.adminRole()))
        .claim(settings.subscribeClaim(), List.of("*"))
        .claim(settings.publishClaim(), List.of("*"))
        .expiresAt(Instant.now().plus(lifetime))
        .sign(keys.getPrivate());
  }
}
