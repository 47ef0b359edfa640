package io.parley.server.transport.http;

import io.parley.protocol.ErrorCode;
import io.parley.server.hub.Refusal;
import io.vertx.ext.web.RoutingContext;

/**
 * How an HTTP route of Parley's API answers what went wrong after its handler started: a refusal as
 * its problem, a body over the limit as {@code 413 FRAME_TOO_LARGE}, anything else as a logged
 * {@code 500 INTERNAL}. Used by the HTTP transport and the admin API. Stateless and thread-safe.
 */
public final class RouteFailures {
  private static final System.Logger LOG = System.getLogger(RouteFailures.class.getName());

  private RouteFailures() {}

  /** A route's failure handler: {@code 413} when the body exceeded {@code maxBodyBytes}. */
  public static void failed(RoutingContext context, int maxBodyBytes) {
    if (context.statusCode() == 413) {
      Problem.of(
              Refusal.of(
                  ErrorCode.FRAME_TOO_LARGE,
                  "the request body is larger than the limit of " + maxBodyBytes + " bytes",
                  null))
          .send(context);
    } else {
      internal(context, context.failure());
    }
  }

  /**
   * Answers with the refusal {@code failure} carries, its field prefixed with {@code fieldPrefix},
   * where the body holds what the hub was given; any other failure is a fault: 500.
   */
  public static void refused(RoutingContext context, Throwable failure, String fieldPrefix) {
    Refusal refusal = Refusal.of(failure);
    if (refusal == null) {
      internal(context, failure);
      return;
    }
    if (refusal.field() != null) {
      refusal = refusal.atField(fieldPrefix + refusal.field());
    }
    Problem.of(refusal).send(context);
  }

  /** Logs {@code failure} and answers {@code 500 INTERNAL}. */
  public static void internal(RoutingContext context, Throwable failure) {
    LOG.log(System.Logger.Level.ERROR, "HTTP " + context.normalizedPath() + " failed", failure);
    Problem.of(Refusal.of(ErrorCode.INTERNAL, "the server failed; retry the request", null))
        .send(context);
  }
}
