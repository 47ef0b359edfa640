package io.parley.server.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.protocol.Transport;
import io.parley.protocol.codec.FrameCodec;
import io.parley.server.config.RealtimeConfig;
import io.parley.server.config.ServerWiring.NodeIdentity;
import io.parley.server.hub.Backplane;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /realtime/status}: the last self-test round, public and cheap (no secrets, nothing
 * about users): {@code {status, backplane, transports, node, version, uptime}}. {@code 200} while
 * the node is {@code HEALTHY} or {@code DEGRADED}; {@code 503} while {@code CRITICAL} or before the
 * first round ({@code STARTING}), with the same body ({@code UNTESTED}, 200, when self-tests are
 * off), so a load balancer can use the code alone. Runs on the event loop; builds a small JSON
 * object. Thread-safe.
 */
@Singleton
public class StatusRoute {
  /** Where the status is served. */
  public static final String PATH = "/realtime/status";

  @Inject SelfTests selfTests;
  @Inject NodeIdentity node;
  @Inject FrameCodec codec;
  @Inject Backplane backplane;
  @Inject RealtimeConfig config;

  @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
  String version;

  void routes(@Observes Router router) {
    router.get(PATH).handler(this::status);
  }

  private void status(RoutingContext context) {
    ObjectNode body = codec.mapper().createObjectNode();
    writeSelfTests(body);
    body.put("node", node.id());
    body.put("version", version);
    body.put("uptime", (System.currentTimeMillis() - selfTests.startedAtMillis()) / 1000);
    boolean serving = selfTests.passing();
    context
        .response()
        .setStatusCode(serving ? 200 : 503)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.toString());
  }

  /**
   * Puts the last self-test round into {@code body}: {@code status}, {@code backplane} ({@code
   * kind}: memory or redis, and whether it is {@code writable}: a backplane that is not makes the
   * status {@code DEGRADED}) and, per transport, {@code transports.<TRANSPORT>} with its state,
   * latency, error and time. Shared by this endpoint and the admin API's {@code stats}.
   */
  public void writeSelfTests(ObjectNode body) {
    NodeStatus last = selfTests.last();
    body.put("status", selfTests.statusWord());
    body.putObject("backplane")
        .put("kind", config.backplane().name().toLowerCase(java.util.Locale.ROOT))
        .put("writable", backplane.writable());
    ObjectNode transports = body.putObject("transports");
    if (last != null) {
      for (Map.Entry<Transport, TransportResult> entry : last.transports().entrySet()) {
        TransportResult result = entry.getValue();
        ObjectNode item = transports.putObject(entry.getKey().name());
        item.put("state", result.state().name().toLowerCase(java.util.Locale.ROOT));
        if (result.state() != TransportResult.State.DISABLED) {
          item.put("latencyMs", result.latencyMs());
          item.put("error", result.error());
          item.put("checkedAt", Instant.ofEpochMilli(result.checkedAtMillis()).toString());
        }
      }
    }
  }
}
