package io.parley.server.auth;

import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.json.JsonString;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Turns a bearer token into an {@link Identity}, or refuses it with a specific code: missing,
 * malformed, bad signature, expired, wrong issuer, wrong audience, or otherwise invalid. Signature,
 * issuer, audience and expiry are checked by SmallRye JWT with the {@code mp.jwt.verify.*} settings
 * (or the dev profile's key); this class reads Parley's claims. Thread-safe. With a local key it
 * only uses the CPU, so it may run on an event loop.
 */
public final class TokenVerifier {
  private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

  private final JWTParser parser;
  private final AuthSettings settings;
  private final LongSupplier wallClockMillis;

  /**
   * @param parser verifies signature, issuer and audience (and expiry, with its own leeway)
   * @param settings claim and role names, the expiry leeway, and what anonymous access gets
   * @param wallClockMillis the time expiry is judged by
   */
  public TokenVerifier(JWTParser parser, AuthSettings settings, LongSupplier wallClockMillis) {
    this.parser = Objects.requireNonNull(parser, "parser");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.wallClockMillis = Objects.requireNonNull(wallClockMillis, "wallClockMillis");
  }

  /**
   * Verifies {@code token}; {@code null} or blank means none was presented.
   *
   * @return who the token speaks for, or the anonymous identity when no token was presented and
   *     anonymous access is on
   * @throws TokenRejectedException with the reason; never for a valid token
   */
  public Identity verify(String token) throws TokenRejectedException {
    if (token == null || token.isBlank()) {
      if (settings.anonymous() != null) {
        return settings.anonymous();
      }
      throw new TokenRejectedException(
          ErrorCode.TOKEN_MISSING,
          "a token is required: this server does not allow anonymous access");
    }
    if (ProbeCredential.matches(token)) {
      return ProbeCredential.IDENTITY;
    }
    checkShape(token);
    JsonWebToken jwt;
    try {
      jwt = parser.parse(token);
    } catch (ParseException e) {
      throw classify(e);
    }
    Identity identity = identityOf(jwt);
    // SmallRye allows its own leeway past exp (60 s by default); Parley judges expiry exactly as
    // it does for connected sessions, with realtime.auth.clock-skew.
    if (identity.expiredAt(wallClockMillis.getAsLong())) {
      throw new TokenRejectedException(ErrorCode.TOKEN_EXPIRED, "the token has expired");
    }
    return identity;
  }

  private Identity identityOf(JsonWebToken jwt) throws TokenRejectedException {
    String subject = jwt.getSubject();
    if (subject == null || !ChannelName.isValid(ChannelName.ofUser(subject))) {
      throw new TokenRejectedException(
          ErrorCode.TOKEN_INVALID,
          "claim sub is required and must be usable in a channel name ("
              + ChannelName.rule()
              + ", at most "
              + (ChannelName.MAX_LENGTH - ChannelName.USER_PREFIX.length())
              + " characters)");
    }
    Set<String> groups = jwt.getGroups();
    return new Identity(
        subject,
        patterns(jwt, settings.subscribeClaim()),
        patterns(jwt, settings.publishClaim()),
        groups.contains(settings.publisherRole()),
        groups.contains(settings.adminRole()),
        jwt.getExpirationTime() == 0
            ? Long.MAX_VALUE
            : jwt.getExpirationTime() * 1000 + settings.clockSkew().toMillis());
  }

  private static ChannelPatterns patterns(JsonWebToken jwt, String claim)
      throws TokenRejectedException {
    Object value = jwt.getClaim(claim);
    if (value == null) {
      return ChannelPatterns.none();
    }
    List<String> patterns = new ArrayList<>();
    if (value instanceof Collection<?> items) {
      for (Object item : items) {
        if (item instanceof JsonString string) {
          patterns.add(string.getString());
        } else if (item instanceof String string) {
          patterns.add(string);
        } else {
          throw new TokenRejectedException(
              ErrorCode.TOKEN_INVALID, "claim " + claim + " must be an array of strings");
        }
      }
    } else if (value instanceof JsonString string) {
      patterns.addAll(List.of(string.getString().trim().split("\\s+")));
    } else if (value instanceof String string) {
      patterns.addAll(List.of(string.trim().split("\\s+")));
    } else {
      throw new TokenRejectedException(
          ErrorCode.TOKEN_INVALID,
          "claim " + claim + " must be an array of channel patterns or a space-separated string");
    }
    patterns.removeIf(String::isEmpty);
    try {
      return ChannelPatterns.of(patterns);
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(
          ErrorCode.TOKEN_INVALID, "claim " + claim + ": " + e.getMessage());
    }
  }

  /** A compact JWS is three base64url parts; anything else is malformed before any crypto. */
  private static void checkShape(String token) throws TokenRejectedException {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new TokenRejectedException(
          ErrorCode.TOKEN_MALFORMED,
          "the token is not a JWT: expected three base64url parts separated by dots");
    }
    for (int i = 0; i < 3; i++) {
      try {
        BASE64URL.decode(parts[i]);
      } catch (IllegalArgumentException e) {
        throw new TokenRejectedException(
            ErrorCode.TOKEN_MALFORMED,
            "the token is not a JWT: part " + (i + 1) + " is not base64url");
      }
    }
  }

  private static TokenRejectedException classify(ParseException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof InvalidJwtException invalid) {
        if (invalid.hasExpired()) {
          return new TokenRejectedException(ErrorCode.TOKEN_EXPIRED, "the token has expired");
        }
        if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)
            || invalid.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
          return new TokenRejectedException(
              ErrorCode.TOKEN_SIGNATURE_INVALID,
              "the token's signature does not verify with this server's key");
        }
        if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID)
            || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
          return new TokenRejectedException(
              ErrorCode.TOKEN_ISSUER_INVALID,
              "the token's iss is not the issuer this server trusts");
        }
        if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
            || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
          return new TokenRejectedException(
              ErrorCode.TOKEN_AUDIENCE_INVALID,
              "the token's aud does not include the audience this server requires");
        }
        if (invalid.hasErrorCode(ErrorCodes.JSON_INVALID)) {
          return new TokenRejectedException(
              ErrorCode.TOKEN_MALFORMED, "the token's header or claims are not valid JSON");
        }
        return new TokenRejectedException(ErrorCode.TOKEN_INVALID, detail(invalid));
      }
    }
    return new TokenRejectedException(
        ErrorCode.TOKEN_INVALID, "the token was refused: " + e.getMessage());
  }

  private static String detail(InvalidJwtException invalid) {
    if (invalid.getErrorDetails().isEmpty()) {
      return "the token was refused: " + invalid.getMessage();
    }
    return "the token was refused: " + invalid.getErrorDetails().get(0).getErrorMessage();
  }
}
