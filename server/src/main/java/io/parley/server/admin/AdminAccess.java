package io.parley.server.admin;

import io.parley.protocol.ErrorCode;
import io.parley.server.auth.Identity;
import io.parley.server.auth.TokenRejectedException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.hub.Refusal;
import io.parley.server.transport.http.BearerToken;
import io.parley.server.transport.http.Problem;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * Who may call the admin API: a request with an {@code Authorization: Bearer} token that verifies
 * and carries the admin group ({@code realtime.auth.admin-role}). Without a token, or with one that
 * does not verify, {@code 401} with {@code WWW-Authenticate: Bearer}; with a valid token lacking
 * the group, {@code 403}. Anonymous access ({@code realtime.auth.anonymous.*}) never reaches the
 * admin API: a request without a token is refused whatever it grants. Thread-safe; verifying a
 * token with a local key only uses the CPU, so this runs on the event loop.
 */
final class AdminAccess {
  private final TokenVerifier tokens;
  private final String adminRole;

  AdminAccess(TokenVerifier tokens, String adminRole) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.adminRole = Objects.requireNonNull(adminRole, "adminRole");
  }

  /** Lets an admin's request through to the next handler, or answers the problem. */
  void check(RoutingContext context) {
    Refusal refused = refusal(context);
    if (refused == null) {
      context.next();
    } else {
      Problem.of(refused).send(context);
    }
  }

  private Refusal refusal(RoutingContext context) {
    Identity identity;
    try {
      String token = BearerToken.of(context.request());
      if (token == null || token.isBlank()) {
        return Refusal.of(
            ErrorCode.TOKEN_MISSING,
            "the admin API needs a token with the " + adminRole + " group (Authorization: Bearer)",
            "Authorization");
      }
      identity = tokens.verify(token);
    } catch (TokenRejectedException e) {
      return Refusal.ofRejectedToken(e).atField("Authorization");
    }
    if (!identity.admin()) {
      return Refusal.of(
          ErrorCode.FORBIDDEN,
          "the token of "
              + identity.subject()
              + " does not carry the "
              + adminRole
              + " group (realtime.auth.admin-role) the admin API needs",
          "Authorization");
    }
    return null;
  }
}
