package io.parley.harness.bench;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Admin dashboards held open for a run: live-feed connections ({@code /realtime/admin/live}, token
 * in the subprotocol as a browser sends it) that read everything pushed and count it by type, so a
 * run measures what an open dashboard costs the server. Thread-safe: counters are adders; the
 * sockets are read on the load generator's event loops.
 */
final class Dashboards implements AutoCloseable {
  static final String PATH = "/realtime/admin/live";

  private final List<WebSocket> open = new ArrayList<>();
  private final LongAdder stats = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final LongAdder lost = new LongAdder();

  private Dashboards() {}

  /**
   * Opens {@code count} dashboards on {@code server} with the admin {@code token}, waiting up to 30
   * s for each upgrade.
   *
   * @throws IllegalStateException when one is refused (a token without the admin group: 403)
   */
  static Dashboards open(WebSocketClient client, URI server, String token, int count) {
    Dashboards dashboards = new Dashboards();
    for (int i = 0; i < count; i++) {
      Future<WebSocket> connecting =
          client.connect(
              new WebSocketConnectOptions()
                  .setHost(server.getHost())
                  .setPort(server.getPort())
                  .setURI(PATH)
                  .setSubProtocols(List.of("parley.admin", "bearer." + token)));
      WebSocket ws;
      try {
        ws =
            connecting
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(30, TimeUnit.SECONDS)
                .join();
      } catch (RuntimeException e) {
        dashboards.close();
        throw new IllegalStateException(
            "dashboard " + (i + 1) + " of " + count + " was refused (" + PATH + "): " + e, e);
      }
      ws.textMessageHandler(dashboards::count);
      dashboards.open.add(ws);
    }
    return dashboards;
  }

  private void count(String message) {
    // The type is the first field the server writes: no need to parse the rest.
    if (message.startsWith("{\"type\":\"stats\"")) {
      stats.increment();
    } else if (message.startsWith("{\"type\":\"event\"")) {
      events.increment();
    } else if (message.startsWith("{\"type\":\"lost\"")) {
      lost.increment();
    }
  }

  /** Adds {@code dashboards}, {@code dashboardStats}, {@code dashboardEvents}, {@code ...Lost}. */
  void report(BenchResult result) {
    result
        .put("dashboards", open.size())
        .put("dashboardStats", stats.sum())
        .put("dashboardEvents", events.sum())
        .put("dashboardLostNotices", lost.sum());
  }

  @Override
  public void close() {
    for (WebSocket ws : open) {
      ws.close();
    }
  }
}
