package io.parley.server.transport.socketio.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.server.transport.Cors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official JS client, served as the reference server's {@code serveClient: true} serves it;
 * immutable and thread-safe. {@link #load()} reads the files into memory once, on the startup
 * thread; the routes then answer on the event loop from memory and never block.
 *
 * <p>The files are {@code socket.io.js}, {@code socket.io.min.js}, {@code socket.io.esm.min.js} and
 * their source maps, copied from the {@code socket.io-client} package the build installs ({@code
 * server/pom.xml}) into the jar under {@link #RESOURCES}. Each answer carries the ETag {@code
 * "<client version>"} and {@code Cache-Control: public, max-age=0}; a GET or HEAD whose {@code
 * If-None-Match} names that ETag (strong or weak, or {@code *}) gets 304. The msgpack bundle is not
 * served: this server speaks only the default parser.
 */
public final class ServedClient {
  /** Where the build puts the client's files, on the class path. */
  static final String RESOURCES = "parley/socket.io-client/";

  /** The served files, each with its content type. */
  private static final Map<String, String> FILES = files();

  private static final String CACHE_CONTROL = "public, max-age=0";

  private final String etag;
  private final Map<String, Buffer> bodies;

  private ServedClient(String version, Map<String, Buffer> bodies) {
    this.etag = "\"" + version + "\"";
    this.bodies = bodies;
  }

  private static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    for (String script : List.of("socket.io.js", "socket.io.min.js", "socket.io.esm.min.js")) {
      files.put(script, "application/javascript; charset=utf-8");
      files.put(script + ".map", "application/json; charset=utf-8");
    }
    return Map.copyOf(files);
  }

  /**
   * Reads the client's files and version from the class path. Blocks on I/O: call it at startup,
   * never on the event loop.
   *
   * @throws IllegalStateException when a file is missing, which happens when the jar was built
   *     without the build's {@code npm ci}; the message says how to fix it or turn serving off
   */
  public static ServedClient load() {
    Map<String, Buffer> bodies = new LinkedHashMap<>();
    for (String name : FILES.keySet()) {
      bodies.put(name, Buffer.buffer(read(name)));
    }
    JsonNode version;
    try {
      version = new ObjectMapper().readTree(read("package.json")).get("version");
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCES + "package.json", e);
    }
    if (version == null || !version.isTextual()) {
      throw new IllegalStateException(RESOURCES + "package.json has no \"version\" string");
    }
    return new ServedClient(version.textValue(), Map.copyOf(bodies));
  }

  private static byte[] read(String name) {
    try (InputStream in =
        ServedClient.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "realtime.socketio.serve-client is on but "
                + RESOURCES
                + name
                + " is not on the class path: build the server with ./mvnw package (its npm ci"
                + " installs socket.io-client), or set realtime.socketio.serve-client=false");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCES + name, e);
    }
  }

  /** The ETag of every file: the client's version, quoted. */
  public String etag() {
    return etag;
  }

  /**
   * Adds a GET and HEAD route for each file under {@code path} (which ends with {@code /}), with
   * {@code cors} applied as on the Engine.IO route. Other paths under {@code path} are untouched.
   */
  public void mount(Router router, String path, Cors cors) {
    for (String name : FILES.keySet()) {
      String type = FILES.get(name);
      Buffer body = bodies.get(name);
      router
          .route(path + name)
          .method(HttpMethod.GET)
          .method(HttpMethod.HEAD)
          .handler(context -> serve(context, type, body, cors));
    }
  }

  private void serve(RoutingContext context, String type, Buffer body, Cors cors) {
    HttpServerResponse response = context.response();
    cors.apply(context.request(), response);
    response.putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
    if (matches(context.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, type);
    if (context.request().method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
    } else {
      response.end(body);
    }
  }

  /** Whether an {@code If-None-Match} value names this ETag; weak comparison, as RFC 9110 asks. */
  private boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String candidate = tag.strip();
      if (candidate.equals("*") || candidate.equals(etag) || candidate.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }
}
