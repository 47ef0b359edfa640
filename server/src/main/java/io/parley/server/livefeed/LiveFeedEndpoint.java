package io.parley.server.livefeed;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;

/**
 * The dashboards' live feed at {@value #PATH}, a WebSockets Next endpoint: few, privileged
 * connections, checked at the upgrade by {@link AdminUpgradeCheck}. It only pushes JSON text
 * messages: {@code {"type":"stats","stats":…}} every second, {@code {"type":"event","event":…}} as
 * events are logged, {@code {"type":"lost","count":n}} when this dashboard's queue dropped old
 * event lines. Whatever the dashboard sends is ignored. Thread-safe (stateless); callbacks run on
 * the connection's event loop.
 */
@WebSocket(path = LiveFeedEndpoint.PATH, endpointId = LiveFeedEndpoint.ID)
public class LiveFeedEndpoint {
  /** Where the feed lives. */
  public static final String PATH = "/realtime/admin/live";

  /** The endpoint's id, which {@link AdminUpgradeCheck} applies to. */
  static final String ID = "parley-admin-live";

  /** The operator's token subject, put by the upgrade check. */
  static final UserData.TypedKey<String> OPERATOR = UserData.TypedKey.forString("parley.operator");

  @Inject LiveFeed feed;

  @OnOpen
  @NonBlocking
  public void opened(WebSocketConnection connection) {
    feed.open(connection.id(), line -> connection.sendText(line).subscribeAsCompletionStage());
  }

  @OnClose
  @NonBlocking
  public void closed(WebSocketConnection connection) {
    feed.close(connection.id());
  }
}
