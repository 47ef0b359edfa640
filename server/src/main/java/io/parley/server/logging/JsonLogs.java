package io.parley.server.logging;

import io.parley.server.config.RealtimeConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.logging.Handler;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.JsonFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * JSON console logs with one setting, {@code realtime.log.json=true}: at startup, before anything
 * else observes it, every console handler under the root logger gets JBoss LogManager's own {@link
 * JsonFormatter} (the log manager Quarkus runs on), writing one JSON object per line with the MDC
 * fields ({@code parley.session}, ...). {@code quarkus-logging-json} would do the same but does not
 * resolve at Quarkus 3.34.2. Lines written before startup (Quarkus' boot) stay in text. Runs once,
 * on the main thread.
 */
@Singleton
public class JsonLogs {

  void apply(@Observes @Priority(1) StartupEvent event, RealtimeConfig config) {
    if (config.log().json()) {
      useJson();
    }
  }

  /** Gives every console handler under the root logger the JSON formatter. */
  static void useJson() {
    JsonFormatter json = new JsonFormatter();
    json.setPrintDetails(false);
    for (Handler handler : LogContext.getLogContext().getLogger("").getHandlers()) {
      format(handler, json);
    }
  }

  private static void format(Handler handler, JsonFormatter json) {
    if (handler instanceof ConsoleHandler) {
      handler.setFormatter(json);
    }
    if (handler instanceof ExtHandler parent) {
      for (Handler child : parent.getHandlers()) {
        format(child, json);
      }
    }
  }
}
