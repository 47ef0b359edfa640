package io.parley.server.livefeed;

import io.parley.protocol.ErrorCode;
import io.parley.server.auth.Identity;
import io.parley.server.auth.TokenRejectedException;
import io.parley.server.auth.TokenVerifier;
import io.parley.server.eventlog.EventLog;
import io.parley.server.eventlog.LoggedEvent;
import io.parley.server.transport.ClientAddress;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * Who may open the live feed: an upgrade with a token that verifies and carries the admin group
 * ({@code realtime.auth.admin-role}), as for the admin API. The token comes in {@code
 * Authorization: Bearer}, or, since a browser cannot set headers on a WebSocket, as the subprotocol
 * {@code bearer.<token>} beside {@value #SUBPROTOCOL} ({@code Sec-WebSocket-Protocol: parley.admin,
 * bearer.<token>}); the answer names {@value #SUBPROTOCOL} only. Refused: {@code 401} without a
 * token or with one that does not verify, {@code 403} with a valid token lacking the group; each
 * refusal is written to the {@link EventLog} ({@code AUTH_FAILED}). Thread-safe; runs on the event
 * loop (verifying with a local key only uses the CPU).
 */
@Singleton
public class AdminUpgradeCheck implements HttpUpgradeCheck {
  /** The subprotocol the feed speaks, which the server answers with. */
  public static final String SUBPROTOCOL = "parley.admin";

  /** How a token is carried in {@code Sec-WebSocket-Protocol}. */
  public static final String TOKEN_PREFIX = "bearer.";

  private static final Map<String, List<String>> CHALLENGE =
      Map.of("WWW-Authenticate", List.of("Bearer"));

  @Inject TokenVerifier tokens;
  @Inject EventLog log;

  @Override
  public boolean appliesTo(String endpointId) {
    return LiveFeedEndpoint.ID.equals(endpointId);
  }

  @Override
  public Uni<CheckResult> perform(HttpUpgradeContext context) {
    HttpServerRequest request = context.httpRequest();
    String token = token(request);
    if (token == null) {
      return refuse(request, null, ErrorCode.TOKEN_MISSING, 401);
    }
    Identity identity;
    try {
      identity = tokens.verify(token);
    } catch (TokenRejectedException e) {
      return refuse(request, null, e.code(), 401);
    }
    if (!identity.admin()) {
      return refuse(request, identity.subject(), ErrorCode.FORBIDDEN, 403);
    }
    context.userData().put(LiveFeedEndpoint.OPERATOR, identity.subject());
    return CheckResult.permitUpgrade();
  }

  private Uni<CheckResult> refuse(
      HttpServerRequest request, String user, ErrorCode code, int status) {
    log.append(
        LoggedEvent.Kind.AUTH_FAILED,
        user,
        null,
        null,
        code.name(),
        "live feed upgrade refused from " + ClientAddress.of(request.remoteAddress()));
    return status == 401
        ? CheckResult.rejectUpgrade(401, CHALLENGE)
        : CheckResult.rejectUpgrade(403);
  }

  /**
   * The upgrade's token: {@code Authorization: Bearer} first, else a {@code bearer.<token>} entry
   * of {@code Sec-WebSocket-Protocol}; {@code null} when there is neither.
   */
  static String token(HttpServerRequest request) {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).trim();
      return token.isEmpty() ? null : token;
    }
    for (String header : request.headers().getAll("Sec-WebSocket-Protocol")) {
      for (String offered : header.split(",")) {
        String value = offered.trim();
        if (value.startsWith(TOKEN_PREFIX) && value.length() > TOKEN_PREFIX.length()) {
          return value.substring(TOKEN_PREFIX.length());
        }
      }
    }
    return null;
  }
}
