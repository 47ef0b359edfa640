package io.parley.server.transport;

import io.parley.protocol.ErrorCode;
import io.parley.server.hub.Refusal;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What a transport turned off by a {@code realtime.transports.*} setting (or by {@link
 * TransportSwitches} at run time) answers in its place: a {@code 404} problem with code {@code
 * TRANSPORT_DISABLED} that names the path and the setting, so that a client knows the transport is
 * not offered here (not that it failed) and moves on to another. Stateless and thread-safe; the
 * handler runs on the request's event loop.
 */
public final class DisabledTransport {
  private DisabledTransport() {}

  /** The refusal for {@code path}, turned off by {@code setting}. */
  public static Refusal refusal(String path, String setting) {
    return Refusal.of(
        ErrorCode.TRANSPORT_DISABLED,
        path + " is turned off on this server (" + setting + "=false); use another transport",
        null);
  }

  /**
   * A route handler that answers with {@link #refusal} while {@code on} is false, read at each
   * request, and passes the request on otherwise.
   */
  public static Handler<RoutingContext> guard(
      String path, BooleanSupplier on, Supplier<String> setting) {
    return context -> {
      if (on.getAsBoolean()) {
        context.next();
      } else {
        ProblemDetails.send(context, 404, refusal(path, setting.get()));
      }
    };
  }
}
