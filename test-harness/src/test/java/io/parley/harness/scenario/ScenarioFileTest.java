package io.parley.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.harness.fault.Direction;
import io.parley.harness.fault.Latency;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Transport;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScenarioFileTest {

  private static Scenario yaml(String text) {
    return ScenarioFile.parse(text, false, "fallback");
  }

  @Test
  void readsEveryKindOfStepWithItsParameters() {
    Scenario scenario =
        yaml(
            """
            name: demo
            seed: 5
            server: {properties: {realtime.heartbeat.interval: 1s}}
            clients: {count: 3, transports: [WEBSOCKET, HTTP_POLL], probe_interval: 1s}
            channels: [a, b]
            publishers: [{kind: client, via: proxy, rate: 20, payload_bytes: 10}]
            timeline:
              - fault: {name: slow, type: latency, attributes: {latency_ms: 500, jitter_ms: 100}}
              - connect
              - await: {status: [CONNECTED, FALLBACK], transport: WEBSOCKET, timeout: 5s}
              - repeat: {times: 2, steps: [disconnect_all, {wait: 250ms}]}
              - remove: slow
              - restart_server
            expect: {gaps: allowed, min_reconnect_spread: 1s}
            """);

    assertThat(scenario.name()).isEqualTo("demo");
    assertThat(scenario.seed()).isEqualTo(5);
    assertThat(scenario.serverProperties()).containsEntry("realtime.heartbeat.interval", "1s");
    assertThat(scenario.clients().transports())
        .containsExactly(Transport.WEBSOCKET, Transport.HTTP_POLL);
    assertThat(scenario.publishers().get(0))
        .isEqualTo(new Scenario.PublisherSpec(Scenario.Kind.CLIENT, Scenario.Route.PROXY, 20, 10));
    assertThat(scenario.timeline()).hasSize(9);
    Step.AddFault fault = (Step.AddFault) scenario.timeline().get(0);
    assertThat(fault.rule().direction()).isEqualTo(Direction.DOWNSTREAM);
    assertThat(fault.rule().fault())
        .isEqualTo(new Latency(Duration.ofMillis(500), Duration.ofMillis(100)));
    assertThat(scenario.timeline().get(2))
        .isEqualTo(
            new Step.Await(
                Set.of(ConnectionStatus.CONNECTED, ConnectionStatus.FALLBACK),
                Transport.WEBSOCKET,
                Duration.ofSeconds(5)));
    assertThat(scenario.timeline().subList(3, 7))
        .containsExactly(
            new Step.DisconnectAll(),
            new Step.Wait(Duration.ofMillis(250)),
            new Step.DisconnectAll(),
            new Step.Wait(Duration.ofMillis(250)));
    assertThat(scenario.expect().gaps()).isEqualTo(Scenario.GapPolicy.ALLOWED);
  }

  @Test
  void namesTheFieldAtFault() {
    assertThatThrownBy(
            () ->
                yaml(
                    """
                    clients: {count: 1}
                    timeline:
                      - fault: {type: latency, attributes: {latency_ms: soon}}
                    """))
        .isInstanceOf(ScenarioException.class)
        .satisfies(
            e ->
                assertThat(((ScenarioException) e).field())
                    .isEqualTo("timeline[0].fault.attributes.latency_ms"));
    assertThatThrownBy(() -> yaml("clients: {count: 1}\ntimeline: [teleport]\n"))
        .hasMessageContaining("timeline[0]")
        .hasMessageContaining("unknown step 'teleport'");
    assertThatThrownBy(() -> yaml("clients: {count: 1, colour: red}\ntimeline: []\n"))
        .hasMessageContaining("clients.colour: unknown field");
    assertThatThrownBy(() -> yaml("clients: {count: 1}\ntimeline: [{wait: 5}]\n"))
        .hasMessageContaining("timeline[0].wait")
        .hasMessageContaining("5ms");
  }

  @Test
  void readsTheBackplaneTheNodesAndTheNodeAndRedisSteps() {
    Scenario scenario =
        yaml(
            """
            server: {backplane: redis, nodes: 3, properties: {realtime.history.size: 50}}
            clients: {count: 1}
            timeline:
              - kill_node: 2
              - start_node: 2
              - restart_node: 0
              - stop_redis
              - start_redis
              - kill_redis
              - {start_redis: }
              - kill_server
            """);

    assertThat(scenario.backplane()).isEqualTo(Scenario.Backplane.REDIS);
    assertThat(scenario.nodes()).isEqualTo(3);
    assertThat(scenario.serverProperties()).containsEntry("realtime.history.size", "50");
    assertThat(scenario.timeline())
        .containsExactly(
            new Step.KillNode(2),
            new Step.StartNode(2),
            new Step.RestartNode(0),
            new Step.StopRedis(),
            new Step.StartRedis(),
            new Step.KillRedis(),
            new Step.StartRedis(),
            new Step.KillServer());
    assertThat(scenario.timeline().get(0).describe()).isEqualTo("kill_node 2");
  }

  @Test
  void runsOneNodeInMemoryUnlessTold() {
    Scenario scenario = yaml("clients: {count: 1}\ntimeline: [restart_server]\n");

    assertThat(scenario.backplane()).isEqualTo(Scenario.Backplane.MEMORY);
    assertThat(scenario.nodes()).isEqualTo(1);
  }

  @Test
  void namesTheFieldOfEveryBadBackplaneNodeOrRedisSetting() {
    assertField(
        "server: {nodes: 2}\nclients: {count: 1}\ntimeline: []\n",
        "server.nodes",
        "2 nodes need server.backplane: redis");
    assertField(
        "server: {backplane: redis, nodes: 0}\nclients: {count: 1}\ntimeline: []\n",
        "server.nodes",
        "expected 1 to 8 but was 0");
    assertField(
        "server: {backplane: redis, nodes: 9}\nclients: {count: 1}\ntimeline: []\n",
        "server.nodes",
        "expected 1 to 8 but was 9");
    assertField(
        "server: {backplane: redis, nodes: two}\nclients: {count: 1}\ntimeline: []\n",
        "server.nodes",
        "expected a whole number");
    assertField(
        "server: {backplane: postgres}\nclients: {count: 1}\ntimeline: []\n",
        "server.backplane",
        "expected one of memory, redis but was 'postgres'");
    assertField(
        "server: {properties: {realtime.backplane: redis}}\nclients: {count: 1}\ntimeline: []\n",
        "server.properties.realtime.backplane",
        "set by the runner");
    assertField(
        "server: {properties: {quarkus.redis.hosts: 'redis://x:1'}}\n"
            + "clients: {count: 1}\ntimeline: []\n",
        "server.properties.quarkus.redis.hosts",
        "set by the runner");
    assertField(
        "server: {backplane: redis, nodes: 2}\nclients: {count: 1}\ntimeline: [{kill_node: 2}]\n",
        "timeline[0].kill_node",
        "no node 2: the scenario has 2 nodes (0 to 1)");
    assertField(
        "clients: {count: 1}\ntimeline: [{start_node: 1}]\n",
        "timeline[0].start_node",
        "no node 1: the scenario has 1 node (0)");
    assertField(
        "server: {backplane: redis}\nclients: {count: 1}\ntimeline: [{restart_node: -1}]\n",
        "timeline[0].restart_node",
        "no node -1");
    assertField(
        "server: {backplane: redis}\nclients: {count: 1}\ntimeline: [{kill_node: first}]\n",
        "timeline[0].kill_node",
        "expected a node index, 0 to 0");
    assertField(
        "server: {backplane: redis}\nclients: {count: 1}\ntimeline: [kill_node]\n",
        "timeline[0].kill_node",
        "expected a node index");
    assertField(
        "clients: {count: 1}\ntimeline: [stop_redis]\n",
        "timeline[0]",
        "'stop_redis' needs server.backplane: redis");
    assertField(
        "server: {backplane: memory}\nclients: {count: 1}\n"
            + "timeline: [{repeat: {times: 2, steps: [kill_redis]}}]\n",
        "timeline[0].repeat.steps[0]",
        "'kill_redis' needs server.backplane: redis");
  }

  private static void assertField(String text, String field, String message) {
    assertThatThrownBy(() -> yaml(text))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ScenarioException) e).field()).isEqualTo(field));
  }

  @Test
  void readsJsonToo() {
    Scenario scenario =
        ScenarioFile.parse(
            "{\"clients\": {\"count\": 2}, \"timeline\": [{\"wait\": \"1s\"}]}", true, "from-file");

    assertThat(scenario.name()).isEqualTo("from-file");
    assertThat(scenario.channels()).containsExactly("scenario");
  }

  @Test
  void everyScenarioInTheMatrixParses() throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("scenarios"), "*.yaml")) {
      dir.forEach(files::add);
    }

    assertThat(files).hasSizeGreaterThanOrEqualTo(8);
    for (Path file : files) {
      Scenario scenario = ScenarioFile.read(file);
      assertThat(file.getFileName().toString()).isEqualTo(scenario.name() + ".yaml");
    }
  }
}
