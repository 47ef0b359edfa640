package io.parley.server.testing;

import io.parley.protocol.ErrorCode;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Tokens for tests, signed with the test key pair the {@code test} profile trusts ({@code
 * src/test/resources/auth}, issuer {@code https://parley.test}, audience {@code parley}), or made
 * wrong on purpose. Thread-safe.
 */
public final class TestTokens {
  public static final String ISSUER = "https://parley.test";
  public static final String AUDIENCE = "parley";

  private static final PrivateKey STRANGER_KEY = strangerKey();

  private TestTokens() {}

  /** Claims for {@code subject}, valid for five minutes, granting nothing yet. */
  public static JwtClaimsBuilder claims(String subject) {
    return Jwt.issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(subject)
        .expiresAt(Instant.now().plusSeconds(300));
  }

  /**
   * A token for {@code subject} that may subscribe to {@code subscribe} and publish to {@code
   * publish}.
   */
  public static String grants(String subject, List<String> subscribe, List<String> publish) {
    return claims(subject).claim("channels", subscribe).claim("publish", publish).sign();
  }

  /** A backend's token: the publisher role, publish anywhere. */
  public static String publisher() {
    return claims("backend").groups(Set.of("publisher")).sign();
  }

  /** A token that expired a minute ago. */
  public static String expired(String subject) {
    return claims(subject)
        .claim("channels", List.of("*"))
        .expiresAt(Instant.now().minusSeconds(60))
        .sign();
  }

  /** A token signed by a key the server does not know. */
  public static String badlySigned(String subject) {
    return claims(subject).claim("channels", List.of("*")).sign(STRANGER_KEY);
  }

  /** A token for another audience. */
  public static String wrongAudience(String subject) {
    return claims(subject).audience("someone-else").claim("channels", List.of("*")).sign();
  }

  /** A token from another issuer. */
  public static String wrongIssuer(String subject) {
    return claims(subject).issuer("https://elsewhere.test").claim("channels", List.of("*")).sign();
  }

  /**
   * Every way a token is refused, with the code each transport must answer: arguments {@code (token
   * or null, ErrorCode)} for a {@code @MethodSource}.
   */
  public static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(null, ErrorCode.TOKEN_MISSING),
        Arguments.of("not-a-jwt", ErrorCode.TOKEN_MALFORMED),
        Arguments.of(expired("alice"), ErrorCode.TOKEN_EXPIRED),
        Arguments.of(badlySigned("alice"), ErrorCode.TOKEN_SIGNATURE_INVALID),
        Arguments.of(wrongAudience("alice"), ErrorCode.TOKEN_AUDIENCE_INVALID),
        Arguments.of(wrongIssuer("alice"), ErrorCode.TOKEN_ISSUER_INVALID));
  }

  private static PrivateKey strangerKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair().getPrivate();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
