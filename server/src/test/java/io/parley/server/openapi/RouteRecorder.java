package io.parley.server.openapi;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.TreeSet;

/** Keeps the application's router, so that a test can list the routes it serves. Thread-safe. */
@Singleton
public class RouteRecorder {
  private volatile Router router;

  void record(@Observes Router router) {
    this.router = router;
  }

  /**
   * The exact paths routed under {@code prefix}, path parameters written OpenAPI's way ({@code
   * {name}}); wildcard routes (filters, CORS) are left out.
   */
  public Set<String> exactPaths(String prefix) {
    Set<String> paths = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path != null && route.isExactPath() && path.startsWith(prefix)) {
        paths.add(path.replaceAll(":([A-Za-z]+)", "{$1}"));
      }
    }
    return paths;
  }
}
