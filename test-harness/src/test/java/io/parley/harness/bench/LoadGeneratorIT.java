package io.parley.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.harness.auth.TestIssuer;
import io.parley.harness.server.ServerProcess;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A smoke run of each load scenario, small enough for every build, so the generator cannot rot. */
class LoadGeneratorIT {
  private static ServerProcess server;

  @BeforeAll
  static void startServer() {
    // Every load connection presents the same token, so one subject holds them all.
    server =
        ServerProcess.builder()
            .property("realtime.limits.max-connections-per-user", "100000")
            // Short, so that connections whose token expires are closed within a smoke run.
            .property("realtime.auth.refresh-grace", "500ms")
            .build()
            .start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static BenchResult run(BenchSettings.Scenario scenario, int connections, int rate)
      throws InterruptedException {
    return run(BenchProtocol.NATIVE, scenario, connections, rate);
  }

  private static BenchResult run(
      BenchProtocol protocol, BenchSettings.Scenario scenario, int connections, int rate)
      throws InterruptedException {
    return run(
        protocol, scenario, connections, rate, server.issuer().userToken("bench", "bench:*"));
  }

  private static BenchResult run(
      BenchProtocol protocol,
      BenchSettings.Scenario scenario,
      int connections,
      int rate,
      String token)
      throws InterruptedException {
    return run(protocol, scenario, connections, rate, token, Duration.ofSeconds(2), Duration.ZERO);
  }

  private static BenchResult run(
      BenchProtocol protocol,
      BenchSettings.Scenario scenario,
      int connections,
      int rate,
      String token,
      Duration duration,
      Duration warmup)
      throws InterruptedException {
    BenchSettings settings =
        new BenchSettings(
            URI.create(server.baseUrl()),
            protocol,
            scenario,
            connections,
            rate,
            duration,
            warmup,
            List.of("127.0.0.1"),
            server.pid(),
            7,
            token,
            0,
            false,
            0,
            null);
    try (LoadGenerator generator = new LoadGenerator(settings)) {
      return generator.run();
    }
  }

  @Test
  void fanOutDeliversEveryMessageToEverySubscriberOnce() throws InterruptedException {
    BenchResult result = run(BenchSettings.Scenario.FANOUT, 20, 50);
    assertThat(result.number("connected")).isEqualTo(20);
    assertThat(result.number("published")).isGreaterThan(50);
    assertThat(result.number("delivered"))
        .as(result.toTable())
        .isEqualTo(result.number("expectedDeliveries"))
        .isEqualTo(result.number("published") * 20);
    assertThat(result.number("lost")).isZero();
    assertThat(result.number("duplicated")).isZero();
    assertThat(result.number("skippedSeqs")).isZero();
    assertThat(result.get("serverCpuUsPerDelivery")).isNotNull();
    assertThat(result.toJsonLine()).startsWith("{\"scenario\":\"fanout\"");
  }

  @Test
  void aWarmUpIsPublishedAndCheckedButLeftOutOfTheFigures() throws InterruptedException {
    BenchResult result =
        run(
            BenchProtocol.NATIVE,
            BenchSettings.Scenario.FANOUT,
            10,
            20,
            server.issuer().userToken("bench", "bench:*"),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    assertThat(result.number("warmupPublished")).as(result.toTable()).isPositive();
    assertThat(result.number("published")).isPositive();
    assertThat(result.number("delivered"))
        .as(result.toTable())
        .isEqualTo(result.number("expectedDeliveries"))
        .isEqualTo((result.number("warmupPublished") + result.number("published")) * 10);
    assertThat(result.number("lost")).isZero();
    assertThat(result.number("duplicated")).isZero();
    // The rate counts only the measured second's deliveries: at 20 msg/s to 10 subscribers.
    assertThat((Double) result.get("deliveriesPerSecond")).as(result.toTable()).isLessThan(300);
  }

  @Test
  void socketIoFanOutWithHandMadeFramingDeliversEveryMessageOnce() throws InterruptedException {
    BenchResult result = run(BenchProtocol.SOCKET_IO, BenchSettings.Scenario.FANOUT, 10, 50);
    assertThat(result.number("connected")).isEqualTo(10);
    assertThat(result.number("published")).isPositive();
    assertThat(result.number("delivered"))
        .as(result.toTable())
        .isEqualTo(result.number("published") * 10);
    assertThat(result.number("lost")).isZero();
    assertThat(result.number("duplicated")).isZero();
  }

  @Test
  void manyChannelsDeliverEachPublishToItsOneSubscriber() throws InterruptedException {
    BenchResult result = run(BenchSettings.Scenario.CHANNELS, 30, 0);
    assertThat(result.number("published")).isPositive();
    assertThat(result.number("delivered")).isEqualTo(result.number("published"));
    assertThat(result.number("lost")).isZero();
    assertThat(result.number("duplicated")).isZero();
  }

  @Test
  void connectStormReportsRateAndHandshakeLatency() throws InterruptedException {
    BenchResult result = run(BenchSettings.Scenario.CONNECT, 100, 0);
    assertThat(result.number("connected")).isEqualTo(100);
    assertThat(result.number("connectFailures")).isZero();
    assertThat((Double) result.get("handshakeP99Ms")).isPositive();
  }

  @Test
  void idleReportsTheServersMemoryAndLiveHeapPerConnection() throws InterruptedException {
    BenchResult result = run(BenchSettings.Scenario.IDLE, 300, 0);
    assertThat(result.number("connected")).isEqualTo(300);
    assertThat(result.number("closedConnections")).as(result.toTable()).isZero();
    assertThat((Double) result.get("serverRssMb")).as(result.toTable()).isPositive();
    assertThat(result.get("serverCpuMsPerIdleConnectionPerMinute")).isNotNull();
    assertThat((Double) result.get("serverLiveHeapMb")).as(result.toTable()).isPositive();
    assertThat((Double) result.get("serverLiveHeapPerConnectionKb"))
        .as(result.toTable())
        .isPositive();
  }

  @ParameterizedTest
  @EnumSource(BenchProtocol.class)
  void connectionsTheServerClosesDuringTheRunAreCounted(BenchProtocol protocol)
      throws InterruptedException {
    // Tokens that expire during the idle period and are never refreshed: the server closes each
    // connection when the refresh grace (500 ms here) has run out.
    String expiring =
        server
            .issuer()
            .token(
                "bench", List.of("bench:*"), List.of("bench:*"), Set.of(), Duration.ofSeconds(2));
    BenchResult result =
        run(
            protocol,
            BenchSettings.Scenario.IDLE,
            5,
            0,
            expiring,
            // 2 s of token and 0.5 s of grace; the rest is room for a loaded machine's late timers.
            Duration.ofSeconds(6),
            Duration.ZERO);
    assertThat(result.number("connected")).isEqualTo(5);
    assertThat(result.number("closedConnections")).as(result.toTable()).isEqualTo(5);
  }

  @ParameterizedTest
  @EnumSource(BenchProtocol.class)
  void connectionsWithoutAValidTokenAreCountedAsFailures(BenchProtocol protocol)
      throws InterruptedException {
    BenchResult none = run(protocol, BenchSettings.Scenario.CONNECT, 3, 0, null);
    assertThat(none.number("connected")).isZero();
    assertThat(none.number("connectFailures")).isEqualTo(3);

    String foreign = TestIssuer.create().userToken("bench", "bench:*");
    BenchResult refused = run(protocol, BenchSettings.Scenario.CONNECT, 3, 0, foreign);
    assertThat(refused.number("connected")).isZero();
    assertThat(refused.number("connectFailures")).isEqualTo(3);
  }
}
