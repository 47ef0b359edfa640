package io.parley.server.transport.http;

import io.parley.protocol.ErrorCode;
import io.parley.server.auth.TokenRejectedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** The token of an HTTP request's {@code Authorization: Bearer} header. Stateless. */
public final class BearerToken {
  private BearerToken() {}

  /**
   * The bearer token of {@code request}, or {@code null} when it has no {@code Authorization}
   * header.
   *
   * @throws TokenRejectedException ({@code TOKEN_MALFORMED}) when the header is not {@code Bearer
   *     <token>}
   */
  public static String of(HttpServerRequest request) throws TokenRejectedException {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null) {
      return null;
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new TokenRejectedException(
          ErrorCode.TOKEN_MALFORMED, "the Authorization header must be \"Bearer <token>\"");
    }
    return authorization.substring(7).trim();
  }
}
