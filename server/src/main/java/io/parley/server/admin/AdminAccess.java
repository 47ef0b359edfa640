package io.parley.server.admin;

import io.parley.protocol.ErrorCode;
import io.parley.server.auth.Identity;
import io.parley.server.auth.TokenRejectedException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.eventlog.EventLog;
import io.parley.server.eventlog.LoggedEvent;
import io.parley.server.hub.Refusal;
import io.parley.server.transport.ClientAddress;
import io.parley.server.transport.http.BearerToken;
import io.parley.server.transport.http.Problem;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * Who may call the admin API: a request with an {@code Authorization: Bearer} token that verifies
 * and carries the admin group ({@code realtime.auth.admin-role}). Without a token, or with one that
 * does not verify, {@code 401} with {@code WWW-Authenticate: Bearer}; with a valid token lacking
 * the group, {@code 403}. Anonymous access ({@code realtime.auth.anonymous.*}) never reaches the
 * admin API: a request without a token is refused whatever it grants. Each refusal is written to
 * the {@link EventLog} ({@code AUTH_FAILED}). Thread-safe; verifying a token with a local key only
 * uses the CPU, so this runs on the event loop.
 */
final class AdminAccess {
  /** Where a let-through request keeps its operator's token subject. */
  private static final String OPERATOR = "parley.admin.operator";

  private final TokenVerifier tokens;
  private final String adminRole;
  private final EventLog log;

  AdminAccess(TokenVerifier tokens, String adminRole, EventLog log) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.adminRole = Objects.requireNonNull(adminRole, "adminRole");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Lets an admin's request through to the next handler, or answers the problem. */
  void check(RoutingContext context) {
    Refusal refused = refusal(context);
    if (refused == null) {
      context.next();
    } else {
      log.append(
          LoggedEvent.Kind.AUTH_FAILED,
          context.get(OPERATOR),
          null,
          null,
          refused.code().name(),
          "admin API "
              + context.request().method()
              + " "
              + context.normalizedPath()
              + " refused from "
              + ClientAddress.of(context.request().remoteAddress()));
      Problem.of(refused).send(context);
    }
  }

  /** The token subject of the operator whose request {@link #check} let through. */
  static String operator(RoutingContext context) {
    return context.get(OPERATOR);
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
    context.put(OPERATOR, identity.subject());
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
