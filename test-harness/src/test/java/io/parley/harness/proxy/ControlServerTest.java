package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ControlServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private EchoServer echo;
  private ControlServer control;

  /** A response: status and parsed body (null when empty). */
  private record Reply(int status, JsonNode body) {}

  @BeforeEach
  void start() throws Exception {
    echo = EchoServer.start();
    control = ControlServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 3);
    Reply created =
        call(
            "POST",
            "/proxies",
            "{\"name\": \"echo\", \"upstream\": \"127.0.0.1:" + echo.port() + "\"}");
    assertThat(created.status).isEqualTo(201);
  }

  @AfterEach
  void stop() throws IOException {
    control.close();
    echo.close();
  }

  @Test
  void createsAProxyOnAnEphemeralLoopbackPortAndListsIt() throws Exception {
    Reply list = call("GET", "/proxies", null);

    assertThat(list.status).isEqualTo(200);
    JsonNode proxy = list.body.get("echo");
    assertThat(proxy.get("upstream").asText()).isEqualTo("127.0.0.1:" + echo.port());
    assertThat(proxy.get("listen").asText()).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:0");
    assertThat(proxy.get("enabled").asBoolean()).isTrue();
    assertThat(proxy.get("seed").asLong()).isEqualTo(3);
    assertThat(proxy.get("faults")).isEmpty();
  }

  @Test
  void addsAFaultThatActsOnTrafficAndRemovesIt() throws Exception {
    int port = control.proxy("echo").orElseThrow().port();
    try (TestSocket client = TestSocket.connect(port)) {
      Reply added =
          call(
              "POST",
              "/proxies/echo/faults",
              "{\"name\": \"hole\", \"type\": \"blackhole\", \"stream\": \"downstream\"}");
      assertThat(added.status).isEqualTo(201);
      assertThat(added.body.get("toxicity").asDouble()).isEqualTo(1.0);
      client.write("held");
      await().atMost(Duration.ofSeconds(5)).until(() -> echo.bytesReceived() == 4);
      assertThat(client.readable()).isFalse();

      Reply removed = call("DELETE", "/proxies/echo/faults/hole", null);

      assertThat(removed.status).isEqualTo(204);
      assertThat(client.readString(4)).isEqualTo("held");
    }
  }

  @Test
  void describesAFaultWithItsAttributesAndDefaults() throws Exception {
    call(
        "POST",
        "/proxies/echo/faults",
        "{\"type\": \"latency\", \"toxicity\": 0.5, \"attributes\": {\"latency_ms\": 250}}");

    Reply fault = call("GET", "/proxies/echo/faults/latency_downstream", null);

    assertThat(fault.status).isEqualTo(200);
    assertThat(fault.body)
        .isEqualTo(
            JSON.readTree(
                "{\"name\": \"latency_downstream\", \"type\": \"latency\", \"stream\":"
                    + " \"downstream\", \"toxicity\": 0.5, \"attributes\": {\"latency_ms\": 250,"
                    + " \"jitter_ms\": 0}}"));
    assertThat(call("GET", "/proxies/echo/faults", null).body).hasSize(1);
  }

  @Test
  void resetRemovesEveryFaultAndEnablesEveryProxy() throws Exception {
    call("POST", "/proxies/echo/faults", "{\"type\": \"blackhole\"}");
    call("POST", "/proxies/echo", "{\"enabled\": false}");
    assertThat(call("GET", "/proxies/echo", null).body.get("enabled").asBoolean()).isFalse();

    Reply reset = call("POST", "/reset", null);

    assertThat(reset.status).isEqualTo(204);
    JsonNode proxy = call("GET", "/proxies/echo", null).body;
    assertThat(proxy.get("enabled").asBoolean()).isTrue();
    assertThat(proxy.get("faults")).isEmpty();
  }

  @Test
  void createsADisabledProxyThatListensOnceEnabled() throws Exception {
    Reply created =
        call(
            "POST",
            "/proxies",
            "{\"name\": \"later\", \"upstream\": \"127.0.0.1:"
                + echo.port()
                + "\", \"enabled\": false}");
    assertThat(created.status).isEqualTo(201);
    assertThat(created.body.get("enabled").asBoolean()).isFalse();
    assertThat(created.body.get("listen").asText()).isEqualTo("127.0.0.1:0");

    Reply enabled = call("POST", "/proxies/later", "{\"enabled\": true}");

    assertThat(enabled.status).isEqualTo(200);
    String listen = enabled.body.get("listen").asText();
    try (TestSocket client =
        TestSocket.connect(Integer.parseInt(listen.substring(listen.indexOf(':') + 1)))) {
      client.write("on");
      assertThat(client.readString(2)).isEqualTo("on");
    }
  }

  @Test
  void disconnectResetsLiveConnections() throws Exception {
    try (TestSocket client = TestSocket.connect(control.proxy("echo").orElseThrow().port())) {
      client.write("x");
      client.readExactly(1);

      assertThat(call("POST", "/proxies/echo/disconnect", null).status).isEqualTo(204);

      assertThat(client.readToEnd().wasReset()).isTrue();
    }
  }

  @Test
  void deletingAProxyClosesItsListener() throws Exception {
    int port = control.proxy("echo").orElseThrow().port();

    assertThat(call("DELETE", "/proxies/echo", null).status).isEqualTo(204);

    assertThat(call("GET", "/proxies/echo", null).status).isEqualTo(404);
    assertThat(control.proxy("echo")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestSocket.connect(port))
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void reportsCountersForTraffic() throws Exception {
    try (TestSocket client = TestSocket.connect(control.proxy("echo").orElseThrow().port())) {
      client.write("12345");
      client.readExactly(5);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              JsonNode stats = call("GET", "/proxies/echo", null).body.get("stats");
              assertThat(stats.get("connections_accepted").asLong()).isEqualTo(1);
              assertThat(stats.get("bytes_upstream").asLong()).isEqualTo(5);
              assertThat(stats.get("bytes_downstream").asLong()).isEqualTo(5);
              assertThat(stats.get("live_connections").asInt()).isZero();
            });
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("notFound")
  void answers404ForAnUnknownProxyFaultOrEndpoint(String method, String path) throws Exception {
    Reply reply = call(method, path, method.equals("POST") ? "{\"type\": \"blackhole\"}" : null);

    assertThat(reply.status).isEqualTo(404);
    assertThat(reply.body.get("error").asText()).isNotBlank();
  }

  static Stream<Arguments> notFound() {
    return Stream.of(
        arguments("GET", "/proxies/nope"),
        arguments("DELETE", "/proxies/nope"),
        arguments("POST", "/proxies/nope/faults"),
        arguments("GET", "/proxies/echo/faults/nope"),
        arguments("DELETE", "/proxies/echo/faults/nope"),
        arguments("GET", "/toxics"));
  }

  @Test
  void answers405WithTheAllowedMethods() throws Exception {
    HttpResponse<String> response =
        HTTP.send(request("PUT", "/proxies", "{}"), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, POST");
  }

  @Test
  void answers409ForATakenProxyName() throws Exception {
    Reply reply = call("POST", "/proxies", "{\"name\": \"echo\", \"upstream\": \"127.0.0.1:1\"}");

    assertThat(reply.status).isEqualTo(409);
    assertThat(reply.body.get("field").asText()).isEqualTo("name");
  }

  @Test
  void answers409ForATakenFaultName() throws Exception {
    call("POST", "/proxies/echo/faults", "{\"name\": \"f\", \"type\": \"blackhole\"}");

    Reply reply = call("POST", "/proxies/echo/faults", "{\"name\": \"f\", \"type\": \"timeout\"}");

    assertThat(reply.status).isEqualTo(409);
    assertThat(reply.body.get("field").asText()).isEqualTo("name");
  }

  @Test
  void answers400NamingListenWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Reply reply =
          call(
              "POST",
              "/proxies",
              "{\"name\": \"p2\", \"listen\": \"127.0.0.1:"
                  + taken.getLocalPort()
                  + "\", \"upstream\": \"127.0.0.1:1\"}");

      assertThat(reply.status).isEqualTo(400);
      assertThat(reply.body.get("field").asText()).isEqualTo("listen");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badProxies")
  void rejectsABadProxyNamingTheField(String body, String field) throws Exception {
    Reply reply = call("POST", "/proxies", body);

    assertThat(reply.status).isEqualTo(400);
    assertThat(reply.body.get("field").asText()).isEqualTo(field);
    assertThat(reply.body.get("error").asText()).isNotBlank();
    assertThat(control.proxies()).hasSize(1);
  }

  static Stream<Arguments> badProxies() {
    return Stream.of(
        bad("malformed JSON", "{\"name\": ", "body"),
        bad("trailing garbage", "{\"name\": \"a\"} x", "body"),
        bad("body not an object", "[]", "body"),
        bad("empty body", "", "body"),
        bad("name missing", "{\"upstream\": \"127.0.0.1:1\"}", "name"),
        bad("name with a slash", "{\"name\": \"a/b\", \"upstream\": \"127.0.0.1:1\"}", "name"),
        bad("name not a string", "{\"name\": 5, \"upstream\": \"127.0.0.1:1\"}", "name"),
        bad("upstream missing", "{\"name\": \"a\"}", "upstream"),
        bad("upstream without port", "{\"name\": \"a\", \"upstream\": \"127.0.0.1\"}", "upstream"),
        bad("upstream port zero", "{\"name\": \"a\", \"upstream\": \"127.0.0.1:0\"}", "upstream"),
        bad("upstream not a string", "{\"name\": \"a\", \"upstream\": 8080}", "upstream"),
        bad(
            "listen port out of range",
            "{\"name\": \"a\", \"listen\": \"127.0.0.1:70000\", \"upstream\": \"127.0.0.1:1\"}",
            "listen"),
        bad(
            "listen port not a number",
            "{\"name\": \"a\", \"listen\": \"127.0.0.1:http\", \"upstream\": \"127.0.0.1:1\"}",
            "listen"),
        bad(
            "enabled not a boolean",
            "{\"name\": \"a\", \"upstream\": \"127.0.0.1:1\", \"enabled\": \"yes\"}",
            "enabled"),
        bad(
            "seed not whole",
            "{\"name\": \"a\", \"upstream\": \"127.0.0.1:1\", \"seed\": 1.5}",
            "seed"),
        bad(
            "unknown field",
            "{\"name\": \"a\", \"upstream\": \"127.0.0.1:1\", \"upstreams\": []}",
            "upstreams"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFaults")
  void rejectsABadFaultNamingTheField(String body, String field) throws Exception {
    Reply reply = call("POST", "/proxies/echo/faults", body);

    assertThat(reply.status).isEqualTo(400);
    assertThat(reply.body.get("field").asText()).isEqualTo(field);
    assertThat(reply.body.get("error").asText()).isNotBlank();
    assertThat(control.proxy("echo").orElseThrow().faults()).isEmpty();
  }

  static Stream<Arguments> badFaults() {
    return Stream.of(
        bad("type missing", "{\"name\": \"f\"}", "type"),
        bad("type unknown", "{\"type\": \"lag\"}", "type"),
        bad("type not a string", "{\"type\": 1}", "type"),
        bad("stream unknown", "{\"type\": \"blackhole\", \"stream\": \"sideways\"}", "stream"),
        bad("toxicity above 1", "{\"type\": \"blackhole\", \"toxicity\": 1.5}", "toxicity"),
        bad("toxicity negative", "{\"type\": \"blackhole\", \"toxicity\": -0.1}", "toxicity"),
        bad("toxicity a string", "{\"type\": \"blackhole\", \"toxicity\": \"all\"}", "toxicity"),
        bad("name with spaces", "{\"type\": \"blackhole\", \"name\": \"my fault\"}", "name"),
        bad("unknown field", "{\"type\": \"blackhole\", \"toxic\": true}", "toxic"),
        bad("attributes not an object", "{\"type\": \"latency\", \"attributes\": 5}", "attributes"),
        bad(
            "required attribute missing",
            "{\"type\": \"latency\", \"attributes\": {\"jitter_ms\": 5}}",
            "attributes.latency_ms"),
        bad(
            "negative time",
            "{\"type\": \"latency\", \"attributes\": {\"latency_ms\": 5, \"jitter_ms\": -1}}",
            "attributes.jitter_ms"),
        bad(
            "fractional time",
            "{\"type\": \"timeout\", \"attributes\": {\"timeout_ms\": 1.5}}",
            "attributes.timeout_ms"),
        bad(
            "rate as a string",
            "{\"type\": \"bandwidth\", \"attributes\": {\"bytes_per_second\": \"fast\"}}",
            "attributes.bytes_per_second"),
        bad(
            "rate zero",
            "{\"type\": \"bandwidth\", \"attributes\": {\"bytes_per_second\": 0}}",
            "attributes.bytes_per_second"),
        bad(
            "unknown attribute",
            "{\"type\": \"latency\", \"attributes\": {\"latency\": 100}}",
            "attributes.latency"),
        bad(
            "attribute of a type without attributes",
            "{\"type\": \"blackhole\", \"attributes\": {\"after_bytes\": 1}}",
            "attributes.after_bytes"),
        bad(
            "slice variation not below the average",
            "{\"type\": \"slicer\", \"attributes\": {\"average_size\": 4, \"size_variation\": 4}}",
            "attributes.size_variation"),
        bad(
            "upgrade filter mode unknown",
            "{\"type\": \"upgrade_filter\", \"stream\": \"upstream\","
                + " \"attributes\": {\"mode\": \"drop\"}}",
            "attributes.mode"),
        bad(
            "upgrade filter downstream",
            "{\"type\": \"upgrade_filter\", \"stream\": \"downstream\","
                + " \"attributes\": {\"mode\": \"strip\"}}",
            "stream"),
        bad(
            "reset after negative bytes",
            "{\"type\": \"reset_peer\", \"attributes\":" + " {\"after_bytes\": -5}}",
            "attributes.after_bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badUpdates")
  void rejectsABadUpdateNamingTheField(String body, String field) throws Exception {
    Reply reply = call("POST", "/proxies/echo", body);

    assertThat(reply.status).isEqualTo(400);
    assertThat(reply.body.get("field").asText()).isEqualTo(field);
    assertThat(control.proxy("echo").orElseThrow().isEnabled()).isTrue();
  }

  static Stream<Arguments> badUpdates() {
    return Stream.of(
        bad("enabled missing", "{}", "enabled"),
        bad("enabled a number", "{\"enabled\": 0}", "enabled"),
        bad("unknown field", "{\"enabled\": false, \"listen\": \"127.0.0.1:0\"}", "listen"));
  }

  private static Arguments bad(String name, String body, String field) {
    return arguments(Named.of(name, body), field);
  }

  private Reply call(String method, String path, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
    return new Reply(response.statusCode(), json);
  }

  private HttpRequest request(String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + path))
        .timeout(Duration.ofSeconds(10))
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
