package io.parley.harness.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * The harness's token authority: an RSA key pair made in memory, its public key written as PEM to a
 * temporary file the server is pointed at ({@link #serverProperties()}), and RS256 tokens signed
 * with the private key, carrying Parley's claims ({@code sub}, {@code channels}, {@code publish},
 * {@code groups}). A server started with these settings runs in its production profile and trusts
 * exactly these tokens; no anonymous access is involved. The key stays the same for the issuer's
 * life, so tokens stay valid across server restarts. Thread-safe.
 */
public final class TestIssuer {
  /** The {@code iss} of every token, and the issuer the server is told to trust. */
  public static final String ISSUER = "https://parley-harness.test";

  /** The {@code aud} of every token, and the audience the server is told to require. */
  public static final String AUDIENCE = "parley";

  /** The role that lets a backend publish on any channel, session channels included. */
  public static final String PUBLISHER_ROLE = "publisher";

  /** The role for admin operations. */
  public static final String ADMIN_ROLE = "admin";

  /** How long tokens live unless a lifetime is given. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(2);

  private final KeyPair keys;
  private final Path publicKeyFile;

  private TestIssuer(KeyPair keys, Path publicKeyFile) {
    this.keys = keys;
    this.publicKeyFile = publicKeyFile;
  }

  /**
   * A new issuer with a fresh 2048-bit RSA key; its public key is written to a temporary file that
   * is deleted when the JVM exits.
   */
  public static TestIssuer create() {
    KeyPair keys;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      keys = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no RSA key generator", e);
    }
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    try {
      Path file = Files.createTempFile("parley-harness-key-", ".pem");
      file.toFile().deleteOnExit();
      Files.writeString(file, pem, StandardCharsets.US_ASCII);
      return new TestIssuer(keys, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the harness's public key", e);
    }
  }

  /** The PEM file holding the public key. */
  public Path publicKeyFile() {
    return publicKeyFile;
  }

  /**
   * The server settings that make it verify this issuer's tokens: key location, issuer and audience
   * ({@code mp.jwt.verify.*}), in the order they should be passed.
   */
  public Map<String, String> serverProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("mp.jwt.verify.publickey.location", publicKeyFile.toAbsolutePath().toString());
    properties.put("mp.jwt.verify.issuer", ISSUER);
    properties.put("mp.jwt.verify.audiences", AUDIENCE);
    return properties;
  }

  /** {@link #serverProperties()} as JVM arguments ({@code -Dkey=value}). */
  public List<String> jvmArgs() {
    return serverProperties().entrySet().stream()
        .map(entry -> "-D" + entry.getKey() + "=" + entry.getValue())
        .toList();
  }

  /**
   * A token for {@code subject}, valid for {@link #DEFAULT_LIFETIME}.
   *
   * @param subscribe channel patterns it may subscribe to ({@code *}, {@code jobs:*}, exact names)
   * @param publish channel patterns it may publish to
   * @param roles {@code groups} entries, such as {@link #PUBLISHER_ROLE}
   */
  public String token(
      String subject, List<String> subscribe, List<String> publish, Set<String> roles) {
    return token(subject, subscribe, publish, roles, DEFAULT_LIFETIME);
  }

  /**
   * A token for {@code subject} with the given rights, valid for {@code lifetime} from now. A
   * negative lifetime makes a token that has already expired.
   */
  public String token(
      String subject,
      List<String> subscribe,
      List<String> publish,
      Set<String> roles,
      Duration lifetime) {
    Objects.requireNonNull(subject, "subject");
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISSUER);
    claims.setAudience(AUDIENCE);
    claims.setSubject(subject);
    claims.setIssuedAtToNow();
    claims.setGeneratedJwtId();
    NumericDate expiry = NumericDate.now();
    expiry.addSeconds(lifetime.toSeconds());
    claims.setExpirationTime(expiry);
    claims.setStringListClaim("channels", List.copyOf(subscribe));
    claims.setStringListClaim("publish", List.copyOf(publish));
    claims.setStringListClaim("groups", List.copyOf(roles));
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(keys.getPrivate());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    jws.setHeader("typ", "JWT");
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  /**
   * A token for an ordinary user: subscribe and publish on {@code channels} (patterns), no roles.
   */
  public String userToken(String subject, String... channels) {
    return token(subject, List.of(channels), List.of(channels), Set.of());
  }

  /**
   * A token that may subscribe and publish everywhere, session channels included: the {@code *}
   * patterns and the {@link #PUBLISHER_ROLE}. What a backend, a scenario's publishers and the load
   * generator use.
   */
  public String publisherToken(String subject) {
    return token(subject, List.of("*"), List.of("*"), Set.of(PUBLISHER_ROLE));
  }
}
