package io.parley.server.auth;

import io.parley.server.config.RealtimeConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Builds the {@link TokenVerifier} from configuration and refuses to start when tokens could not be
 * verified: in {@code jwt} mode without a key or issuer, or in {@code dev} mode outside the dev and
 * test profiles. Thread-safe.
 */
@Singleton
public class AuthWiring {
  private static final System.Logger LOG = System.getLogger(AuthWiring.class.getName());

  /** The settings that can hold the verification key, any one of which is enough. */
  static final List<String> KEY_SETTINGS =
      List.of(
          "mp.jwt.verify.publickey.location",
          "mp.jwt.verify.publickey",
          "smallrye.jwt.verify.key.location");

  /** The profiles in which {@code realtime.auth.mode=dev} is allowed: never the default (prod). */
  static final List<String> DEV_PROFILES = List.of("dev", "test", "conformance");

  @Produces
  @Singleton
  TokenVerifier tokenVerifier(RealtimeConfig config, Instance<JWTParser> configuredParser) {
    AuthSettings settings = settings(config.auth());
    if (config.auth().mode() == RealtimeConfig.Auth.Mode.DEV) {
      return devVerifier(config.auth(), settings);
    }
    requireKeys(ConfigProvider.getConfig());
    if (settings.anonymous() != null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "realtime.auth.anonymous.enabled=true: connections without a token are let in with"
              + " subscribe "
              + settings.anonymous().subscribe()
              + ", publish "
              + settings.anonymous().publish());
    }
    return new TokenVerifier(configuredParser.get(), settings, System::currentTimeMillis);
  }

  /** Builds the verifier at startup, so a missing key stops the server before it listens. */
  void start(@Observes StartupEvent event, TokenVerifier verifier) {
    // Injecting the verifier is enough to build it.
  }

  static AuthSettings settings(RealtimeConfig.Auth auth) {
    Identity anonymous = null;
    if (auth.anonymous().enabled()) {
      anonymous =
          Identity.anonymous(
              ChannelPatterns.of(auth.anonymous().subscribe().orElse(List.of())),
              ChannelPatterns.of(auth.anonymous().publish().orElse(List.of())),
              auth.anonymous().publisher());
    }
    return new AuthSettings(
        auth.subscribeClaim(),
        auth.publishClaim(),
        auth.publisherRole(),
        auth.adminRole(),
        auth.clockSkew(),
        anonymous);
  }

  static void requireKeys(Config config) {
    boolean hasKey =
        KEY_SETTINGS.stream()
            .anyMatch(key -> config.getOptionalValue(key, String.class).isPresent());
    boolean hasIssuer = config.getOptionalValue("mp.jwt.verify.issuer", String.class).isPresent();
    if (!hasKey || !hasIssuer) {
      throw new IllegalStateException(
          "Parley verifies a JWT on every connection and no "
              + (hasKey ? "issuer" : hasIssuer ? "key" : "key or issuer")
              + " is configured. Set mp.jwt.verify.publickey.location (a PEM or JWK file, or a"
              + " JWKS URL; env MP_JWT_VERIFY_PUBLICKEY_LOCATION) and mp.jwt.verify.issuer (env"
              + " MP_JWT_VERIFY_ISSUER), and mp.jwt.verify.audiences if your tokens carry one."
              + " To try Parley without keys, start it with -Dquarkus.profile=dev"
              + " (bin/parley-server does): it makes a throwaway key and prints a token."
              + " See docs/security.md.");
    }
  }

  private static TokenVerifier devVerifier(RealtimeConfig.Auth auth, AuthSettings settings) {
    List<String> profiles = ConfigUtils.getProfiles();
    if (profiles.stream().noneMatch(DEV_PROFILES::contains)) {
      throw new IllegalStateException(
          "realtime.auth.mode=dev is only allowed in the profiles "
              + DEV_PROFILES
              + "; active profiles: "
              + profiles
              + ". In production configure mp.jwt.verify.publickey.location and"
              + " mp.jwt.verify.issuer (docs/security.md).");
    }
    DevAuthority authority = DevAuthority.create();
    String token = authority.broadToken(auth.dev().subject(), settings, auth.dev().tokenLifetime());
    auth.dev().tokenFile().ifPresent(file -> write(file, token));
    LOG.log(
        System.Logger.Level.WARNING,
        "\n*** DEV AUTH MODE (profile "
            + profiles
            + "): tokens are signed by a key made at startup and held only in memory."
            + " Never use this in production. ***\n"
            + "A token for subject '"
            + auth.dev().subject()
            + "' that may subscribe and publish on every channel (roles "
            + settings.publisherRole()
            + ", "
            + settings.adminRole()
            + "), valid "
            + auth.dev().tokenLifetime()
            + auth.dev().tokenFile().map(file -> ", also written to " + file).orElse("")
            + ":\n\n"
            + token
            + "\n");
    return new TokenVerifier(authority.parser(), settings, System::currentTimeMillis);
  }

  private static void write(Path file, String token) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.writeString(file, token + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the dev token to " + file, e);
    }
  }
}
