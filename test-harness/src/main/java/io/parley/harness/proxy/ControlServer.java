package io.parley.harness.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.parley.harness.fault.FaultRule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Thread-safe (requests are served on two worker threads; the Java methods may be called from any
 * thread): an HTTP control API for {@link FaultProxy}s, shaped like Toxiproxy's, whose toxics are
 * our faults.
 *
 * <pre>
 *   GET    /proxies                          all proxies, by name
 *   POST   /proxies                          create {name, listen, upstream, enabled, seed}
 *   GET    /proxies/{proxy}                  one proxy, with faults and counters
 *   POST   /proxies/{proxy}                  update {enabled}
 *   DELETE /proxies/{proxy}                  close and forget it
 *   POST   /proxies/{proxy}/disconnect       reset every live connection
 *   GET    /proxies/{proxy}/faults           its faults, in order
 *   POST   /proxies/{proxy}/faults           add {name, type, stream, toxicity, attributes}
 *   GET    /proxies/{proxy}/faults/{fault}   one fault
 *   DELETE /proxies/{proxy}/faults/{fault}   remove it
 *   POST   /reset                            enable every proxy and remove every fault
 * </pre>
 *
 * <p>Bodies are JSON. Bad input is answered {@code 400} with {@code {"error": "...", "field":
 * "..."}} naming the field and what was expected; unknown fields are rejected. An unknown proxy or
 * fault is {@code 404}, a name taken {@code 409}. {@code docs/faults.md} has examples.
 *
 * <p>The server binds where it is told; the command line defaults to {@code 127.0.0.1:8474}. It has
 * no authentication: keep it on loopback.
 */
public final class ControlServer implements AutoCloseable {

  /** Toxiproxy's port, so muscle memory works. */
  public static final int DEFAULT_PORT = 8474;

  /** The largest request body read, in bytes; larger ones are refused. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Set<String> PROXY_FIELDS =
      Set.of("name", "listen", "upstream", "enabled", "seed");
  private static final String DEFAULT_LISTEN = "127.0.0.1:0";

  private final HttpServer server;
  private final ExecutorService workers;
  private final long defaultSeed;
  private final Map<String, Entry> proxies = new LinkedHashMap<>();

  /** A proxy with the addresses as the user wrote them. */
  private record Entry(FaultProxy proxy, HostPort listen, HostPort upstream) {}

  private ControlServer(HttpServer server, ExecutorService workers, long defaultSeed) {
    this.server = server;
    this.workers = workers;
    this.defaultSeed = defaultSeed;
  }

  /**
   * Starts serving on {@code address}; port 0 picks an ephemeral port.
   *
   * @param defaultSeed the seed of proxies created without one
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static ControlServer start(InetSocketAddress address, long defaultSeed) {
    HttpServer http;
    try {
      http = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Control API cannot listen on " + address, e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "parley-fault-control-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    ControlServer control = new ControlServer(http, workers, defaultSeed);
    http.createContext("/", control::handle);
    http.setExecutor(workers);
    http.start();
    return control;
  }

  /** The address the API listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The port the API listens on. */
  public int port() {
    return address().getPort();
  }

  /**
   * Creates and starts a proxy, seeded with this server's default seed.
   *
   * @throws IllegalStateException when a proxy of that name exists
   * @throws IllegalArgumentException when the name is malformed or the upstream cannot be resolved
   * @throws UncheckedIOException when {@code listen} cannot be bound
   */
  public FaultProxy createProxy(String name, HostPort listen, HostPort upstream, boolean enabled) {
    return createProxy(name, listen, upstream, enabled, defaultSeed);
  }

  private synchronized FaultProxy createProxy(
      String name, HostPort listen, HostPort upstream, boolean enabled, long seed) {
    if (proxies.containsKey(name)) {
      throw new IllegalStateException("A proxy named '" + name + "' exists");
    }
    InetSocketAddress listenAddress = listen.toSocketAddress();
    if (listenAddress.isUnresolved()) {
      throw new IllegalArgumentException("listen host cannot be resolved: " + listen.host());
    }
    FaultProxy proxy =
        FaultProxy.builder()
            .name(name)
            .listen(listenAddress)
            .upstream(upstream.toSocketAddress())
            .seed(seed)
            .enabled(enabled)
            .start();
    proxies.put(name, new Entry(proxy, listen, upstream));
    return proxy;
  }

  /** The proxy called {@code name}, if any. */
  public synchronized Optional<FaultProxy> proxy(String name) {
    return Optional.ofNullable(proxies.get(name)).map(Entry::proxy);
  }

  /** Every proxy, in creation order. */
  public synchronized List<FaultProxy> proxies() {
    return proxies.values().stream().map(Entry::proxy).toList();
  }

  /** Closes and forgets the proxy called {@code name}; false when there is none. */
  public boolean deleteProxy(String name) {
    Entry entry;
    synchronized (this) {
      entry = proxies.remove(name);
    }
    if (entry == null) {
      return false;
    }
    entry.proxy.close();
    return true;
  }

  /** Enables every proxy and removes every fault, as Toxiproxy's {@code POST /reset} does. */
  public void resetAll() {
    for (FaultProxy proxy : proxies()) {
      proxy.setEnabled(true);
      proxy.resetAll();
    }
  }

  /** Stops serving and closes every proxy. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    List<Entry> entries;
    synchronized (this) {
      entries = new ArrayList<>(proxies.values());
      proxies.clear();
    }
    for (Entry entry : entries) {
      entry.proxy.close();
    }
  }

  // ---- HTTP ----

  private void handle(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    try (exchange) {
      try {
        Response response = route(method, path, exchange);
        send(exchange, response.status, response.body);
      } catch (ApiException e) {
        if (e.allow != null) {
          exchange.getResponseHeaders().set("Allow", e.allow);
        }
        send(exchange, e.status, error(e.getMessage(), e.field));
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "Control API: " + method + " " + path + " failed", e);
        send(exchange, 500, error("internal error: " + e, null));
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "Control API: answering " + method + " " + path + " failed", e);
    }
  }

  private record Response(int status, JsonNode body) {}

  private Response route(String method, String path, HttpExchange exchange) throws IOException {
    String[] parts = path.replaceAll("/+$", "").split("/");
    // parts[0] is the empty string before the leading slash.
    if (parts.length == 2 && parts[1].equals("reset")) {
      requireMethod(method, "POST");
      resetAll();
      return new Response(204, null);
    }
    if (parts.length < 2 || !parts[1].equals("proxies") || parts.length > 5) {
      throw ApiException.notFound("no endpoint " + path);
    }
    if (parts.length == 2) {
      return switch (requireMethod(method, "GET", "POST")) {
        case "GET" -> new Response(200, listProxies());
        default -> new Response(201, createProxy(readBody(exchange)));
      };
    }
    Entry entry = entry(parts[2]);
    if (parts.length == 3) {
      return switch (requireMethod(method, "GET", "POST", "DELETE")) {
        case "GET" -> new Response(200, describe(entry));
        case "POST" -> new Response(200, updateProxy(entry, readBody(exchange)));
        default -> {
          deleteProxy(entry.proxy.name());
          yield new Response(204, null);
        }
      };
    }
    if (parts.length == 4 && parts[3].equals("disconnect")) {
      requireMethod(method, "POST");
      entry.proxy.disconnectAll();
      return new Response(204, null);
    }
    if (!parts[3].equals("faults")) {
      throw ApiException.notFound("no endpoint " + path);
    }
    if (parts.length == 4) {
      return switch (requireMethod(method, "GET", "POST")) {
        case "GET" -> new Response(200, faults(entry.proxy));
        default -> new Response(201, addFault(entry.proxy, readBody(exchange)));
      };
    }
    FaultRule rule =
        (NAME.matcher(parts[4]).matches()
                ? entry.proxy.fault(parts[4])
                : Optional.<FaultRule>empty())
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "proxy '" + entry.proxy.name() + "' has no fault '" + parts[4] + "'"));
    if (requireMethod(method, "GET", "DELETE").equals("GET")) {
      return new Response(200, FaultJson.write(rule));
    }
    entry.proxy.removeFault(rule.name());
    return new Response(204, null);
  }

  private synchronized Entry entry(String name) {
    Entry entry = proxies.get(name);
    if (entry == null) {
      throw ApiException.notFound("proxy '" + name + "' not found");
    }
    return entry;
  }

  private static String requireMethod(String method, String... allowed) {
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return method;
      }
    }
    throw ApiException.methodNotAllowed(method, List.of(allowed));
  }

  private ObjectNode listProxies() {
    ObjectNode all = MAPPER.createObjectNode();
    List<Entry> entries;
    synchronized (this) {
      entries = new ArrayList<>(proxies.values());
    }
    for (Entry entry : entries) {
      all.set(entry.proxy.name(), describe(entry));
    }
    return all;
  }

  private ObjectNode createProxy(JsonNode body) {
    FaultJson.requireObject(body, "body");
    FaultJson.rejectUnknown(body, PROXY_FIELDS, "", "name, listen, upstream, enabled, seed");
    JsonNode nameNode = body.get("name");
    if (nameNode == null || !nameNode.isTextual() || !NAME.matcher(nameNode.asText()).matches()) {
      throw ApiException.badInput("name", "required; 1 to 64 letters, digits, '.', '_' or '-'");
    }
    String name = nameNode.asText();
    HostPort listen = hostPort(body, "listen", DEFAULT_LISTEN);
    HostPort upstream = hostPort(body, "upstream", null);
    if (upstream.port() == 0) {
      throw ApiException.badInput("upstream", "expected a port from 1 to 65535");
    }
    boolean enabled = bool(body, "enabled", true);
    long seed = defaultSeed;
    JsonNode seedNode = body.get("seed");
    if (seedNode != null && !seedNode.isNull()) {
      if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
        throw ApiException.badInput("seed", "expected a whole number");
      }
      seed = seedNode.asLong();
    }
    try {
      createProxy(name, listen, upstream, enabled, seed);
    } catch (IllegalStateException e) {
      throw ApiException.conflict("name", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiException.badInput(
          e.getMessage().startsWith("listen") ? "listen" : "upstream", e.getMessage());
    } catch (UncheckedIOException e) {
      throw ApiException.badInput("listen", e.getMessage() + ": " + e.getCause().getMessage());
    }
    return describe(entry(name));
  }

  private ObjectNode updateProxy(Entry entry, JsonNode body) {
    FaultJson.requireObject(body, "body");
    FaultJson.rejectUnknown(body, Set.of("enabled"), "", "enabled");
    if (body.get("enabled") == null) {
      throw ApiException.badInput("enabled", "required; true or false");
    }
    try {
      entry.proxy.setEnabled(bool(body, "enabled", true));
    } catch (UncheckedIOException e) {
      throw new ApiException(409, "enabled", "cannot listen again: " + e.getCause().getMessage());
    }
    return describe(entry);
  }

  private static ObjectNode addFault(FaultProxy proxy, JsonNode body) {
    FaultRule rule = FaultJson.readRule(body);
    try {
      proxy.addFault(rule);
    } catch (IllegalStateException e) {
      throw ApiException.conflict("name", e.getMessage());
    }
    return FaultJson.write(rule);
  }

  private static ArrayNode faults(FaultProxy proxy) {
    ArrayNode array = MAPPER.createArrayNode();
    proxy.faults().forEach(rule -> array.add(FaultJson.write(rule)));
    return array;
  }

  private static ObjectNode describe(Entry entry) {
    FaultProxy proxy = entry.proxy;
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", proxy.name());
    node.put("listen", listenOf(entry));
    node.put("upstream", entry.upstream.toString());
    node.put("enabled", proxy.isEnabled());
    node.put("seed", proxy.seed());
    node.set("faults", faults(proxy));
    ProxyStats stats = proxy.stats();
    ObjectNode counters = node.putObject("stats");
    counters.put("connections_accepted", stats.connectionsAccepted());
    counters.put("connections_refused", stats.connectionsRefused());
    counters.put("live_connections", stats.liveConnections());
    counters.put("bytes_upstream", stats.bytesUpstream());
    counters.put("bytes_downstream", stats.bytesDownstream());
    return node;
  }

  private static String listenOf(Entry entry) {
    try {
      return HostPort.of(entry.proxy.listenAddress()).toString();
    } catch (IllegalStateException notYetBound) {
      // Created disabled: it will bind what was asked for.
      return entry.listen.toString();
    }
  }

  private static HostPort hostPort(JsonNode body, String field, String fallback) {
    JsonNode node = body.get(field);
    if ((node == null || node.isNull()) && fallback != null) {
      return HostPort.parse(fallback);
    }
    if (node == null || node.isNull()) {
      throw ApiException.badInput(field, "required; expected \"host:port\"");
    }
    if (!node.isTextual()) {
      throw ApiException.badInput(field, "expected a string \"host:port\"");
    }
    try {
      return HostPort.parse(node.asText());
    } catch (IllegalArgumentException e) {
      throw ApiException.badInput(field, e.getMessage());
    }
  }

  private static boolean bool(JsonNode body, String field, boolean fallback) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw ApiException.badInput(field, "expected true or false");
    }
    return node.asBoolean();
  }

  private static JsonNode readBody(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw ApiException.badInput("body", "expected at most " + MAX_BODY_BYTES + " bytes");
    }
    if (bytes.length == 0) {
      throw ApiException.badInput("body", "expected a JSON object");
    }
    try {
      return MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiException.badInput("body", "malformed JSON: " + e.getOriginalMessage());
    }
  }

  private static ObjectNode error(String message, String field) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("error", message);
    node.put("field", field);
    return node;
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
