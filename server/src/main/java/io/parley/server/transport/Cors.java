package io.parley.server.transport;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Set;

/**
 * CORS for Parley's HTTP endpoints ({@code /socket.io/} and {@code /realtime/*}), as the reference
 * Socket.IO server's {@code cors} option: allowed origins (or {@code *}), optional credentials, and
 * preflight answers. {@code Retry-After} is exposed to scripts. Immutable and thread-safe.
 */
public final class Cors {
  private static final String METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE";

  private final Set<String> origins;
  private final boolean anyOrigin;
  private final boolean credentials;

  private Cors(List<String> origins, boolean credentials) {
    this.origins = Set.copyOf(origins);
    this.anyOrigin = origins.contains("*");
    this.credentials = credentials;
  }

  /**
   * CORS from the settings named {@code originsSetting} and {@code credentialsSetting}.
   *
   * @param origins the allowed origins, {@code *} for any; empty turns CORS off
   * @param credentials whether to allow credentials (the request's origin is then echoed)
   * @throws IllegalStateException for {@code *} with credentials, which would let any site act with
   *     the user's cookies; the message names both settings
   */
  public static Cors of(
      List<String> origins, boolean credentials, String originsSetting, String credentialsSetting) {
    if (credentials && origins.contains("*")) {
      throw new IllegalStateException(
          originsSetting
              + "=* cannot be combined with "
              + credentialsSetting
              + "=true: any web site could then act with its visitors' cookies. List the allowed"
              + " origins, or turn credentials off");
    }
    return new Cors(origins, credentials);
  }

  /** No CORS headers at all. */
  public static Cors disabled() {
    return new Cors(List.of(), false);
  }

  /**
   * Adds the CORS headers for {@code request} and answers a preflight.
   *
   * @return {@code true} when the request was a preflight and has been answered
   */
  public boolean apply(HttpServerRequest request, HttpServerResponse response) {
    if (origins.isEmpty()) {
      return false;
    }
    String origin = request.getHeader("Origin");
    if (anyOrigin && !credentials) {
      response.putHeader("Access-Control-Allow-Origin", "*");
    } else if (origin != null && (anyOrigin || origins.contains(origin))) {
      response.putHeader("Access-Control-Allow-Origin", origin);
      response.putHeader("Vary", "Origin");
    }
    if (credentials) {
      response.putHeader("Access-Control-Allow-Credentials", "true");
    }
    if (request.method() != HttpMethod.OPTIONS
        || request.getHeader("Access-Control-Request-Method") == null) {
      response.putHeader("Access-Control-Expose-Headers", "Retry-After");
      return false;
    }
    response.putHeader("Access-Control-Allow-Methods", METHODS);
    String headers = request.getHeader("Access-Control-Request-Headers");
    if (headers != null) {
      response.putHeader("Access-Control-Allow-Headers", headers);
      response.headers().add("Vary", "Access-Control-Request-Headers");
    }
    response.putHeader("Content-Length", "0").setStatusCode(204).end();
    return true;
  }
}
