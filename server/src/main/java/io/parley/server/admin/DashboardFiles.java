package io.parley.server.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard page's files, read from the jar once at startup and answered from memory at {@code
 * /realtime/admin/}: no token (the page asks for one), nothing fetched at run time. Served by
 * Parley's own routes rather than Quarkus' {@code META-INF/resources}, whose static handler on
 * every path broke the Java client's long-polls in test mode (a {@code 404} page for {@code POST
 * /realtime/poll}). Immutable and thread-safe; the routes answer on the event loop.
 */
final class DashboardFiles {
  /** Where the page lives on the class path (the build copies uPlot under {@code assets/uplot}). */
  static final String RESOURCES = "parley/admin/";

  /** Each served file, relative to {@link #RESOURCES} and to the page's URL, with its type. */
  private static final Map<String, String> FILES = files();

  /** The page changes with the jar: revalidate rather than cache, there is no version to tag. */
  private static final String CACHE_CONTROL = "no-cache";

  private final Map<String, Buffer> bodies;

  private DashboardFiles(Map<String, Buffer> bodies) {
    this.bodies = bodies;
  }

  private static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("index.html", "text/html; charset=utf-8");
    files.put("assets/dashboard.css", "text/css; charset=utf-8");
    files.put("assets/dashboard.js", "application/javascript; charset=utf-8");
    files.put("assets/uplot/uPlot.min.css", "text/css; charset=utf-8");
    files.put("assets/uplot/uPlot.iife.min.js", "application/javascript; charset=utf-8");
    files.put("assets/uplot/LICENSE", "text/plain; charset=utf-8");
    files.put("assets/uplot/package.json", "application/json; charset=utf-8");
    return Map.copyOf(files);
  }

  /**
   * Reads the page's files from the class path. Blocks on I/O: call it at startup.
   *
   * @throws IllegalStateException when a file is missing (a jar built without the build's {@code
   *     npm ci}, which brings uPlot); the message names the file
   */
  static DashboardFiles load() {
    Map<String, Buffer> bodies = new LinkedHashMap<>();
    for (String name : FILES.keySet()) {
      bodies.put(name, Buffer.buffer(read(name)));
    }
    return new DashboardFiles(Map.copyOf(bodies));
  }

  private static byte[] read(String name) {
    try (InputStream in =
        DashboardFiles.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCES
                + name
                + " is not on the class path: build the server with ./mvnw package (its npm ci"
                + " installs the dashboard's chart library)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCES + name, e);
    }
  }

  /** Whether {@code name}, relative to the page's URL, is one of the page's files. */
  static boolean serves(String name) {
    return FILES.containsKey(name);
  }

  /** A GET and HEAD route for each file under {@code base}, and {@code base} for the page. */
  void mount(Router router, String base) {
    for (String name : FILES.keySet()) {
      Handler handler = new Handler(FILES.get(name), bodies.get(name));
      router.route(base + name).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(handler);
      if (name.equals("index.html")) {
        router.route(base).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(handler);
      }
    }
  }

  private record Handler(String type, Buffer body)
      implements io.vertx.core.Handler<RoutingContext> {
    @Override
    public void handle(RoutingContext context) {
      var response = context.response();
      response
          .putHeader(HttpHeaders.CONTENT_TYPE, type)
          .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
          .putHeader("X-Content-Type-Options", "nosniff");
      if (context.request().method() == HttpMethod.HEAD) {
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
      } else {
        response.end(body);
      }
    }
  }
}
