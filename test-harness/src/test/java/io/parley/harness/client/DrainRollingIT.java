package io.parley.harness.client;

import static io.parley.harness.client.TestClients.PATIENCE;
import static io.parley.harness.client.TestClients.join;
import static io.parley.harness.client.TestClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.Gap;
import io.parley.client.Message;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.harness.auth.TestIssuer;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of one node of two behind a balancer: node A is drained (the balancer sends
 * newcomers to B, as it would once A's readiness is DOWN) and then stopped with SIGTERM. Java
 * clients on Socket.IO, {@code /ws} and HTTP long-polling move to B, each seeing every message of
 * A, then an explicit gap (B's new epoch, the in-memory backplane), then every message of B: no
 * silent loss. A exits within its drain deadline.
 */
class DrainRollingIT {
  private static final Duration DEADLINE = Duration.ofSeconds(8);

  @Test
  void clientsOnEveryTransportMoveToTheOtherNodeWithAGapAndNoLossAndTheDrainedNodeExitsInTime()
      throws Exception {
    TestIssuer issuer = TestIssuer.create();
    Map<String, String> drain =
        Map.of("realtime.drain.spread", "3s", "realtime.limits.overload-retry-after", "1s");
    String channel = "it.drain.rolling";
    List<Transport> transports =
        List.of(Transport.SOCKET_IO, Transport.WEBSOCKET, Transport.HTTP_LONG_POLL);
    try (ServerProcess a = node(issuer, drain).start();
        ServerProcess b = node(issuer, drain).start();
        SwitchingBalancer balancer = new SwitchingBalancer(a.port());
        Closer closer = new Closer()) {
      List<Recorder> recorders = new ArrayList<>();
      for (int i = 0; i < transports.size(); i++) {
        Recorder recorder = new Recorder();
        ParleyClient client =
            closer.add(
                TestClients.client(issuer, balancer.baseUrl(), 60 + i, transports.get(i)).build());
        client.subscribe(channel, recorder);
        join(client.connect());
        recorders.add(recorder);
      }
      // Subscriptions confirmed: a first message reaches every client before counting.
      try (ParleyPublisher toA = TestClients.publisher(issuer, a.baseUrl())) {
        await()
            .atMost(PATIENCE)
            .until(
                () -> {
                  publish(toA, channel, 0);
                  return recorders.stream().allMatch(r -> !r.messages().isEmpty());
                });
        for (long n = 1; n <= 5; n++) {
          publish(toA, channel, n);
        }
      }
      String epochA = recorders.get(0).messages().get(0).epoch();
      await().atMost(PATIENCE).until(() -> recorders.stream().allMatch(r -> lastN(r) == 5));

      balancer.target(b.port());
      HttpResponse<String> drained =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(a.baseUrl() + "/realtime/admin/drain"))
                      .header(
                          "Authorization",
                          "Bearer "
                              + issuer.token(
                                  "ops", List.of(), List.of(), Set.of(TestIssuer.ADMIN_ROLE)))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"deadlineMs\":" + DEADLINE.toMillis() + "}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(drained.statusCode()).as(drained.body()).isEqualTo(202);
      // Every client moves on its hint (spread over 3 s), before the deadline closes anything.
      await()
          .atMost(DEADLINE.minusSeconds(2))
          .untilAsserted(() -> assertThat(admin(issuer, a, "connections")).contains("\"total\":0"));
      long stopping = System.nanoTime();
      a.stop(); // SIGTERM: waits for the drain, at most its deadline
      Duration exit = Duration.ofNanos(System.nanoTime() - stopping);
      System.out.println(
          "DrainRollingIT: drained node exited " + exit.toMillis() + " ms after SIGTERM");
      assertThat(exit).isLessThan(DEADLINE.plusSeconds(3));

      try (ParleyPublisher toB = TestClients.publisher(issuer, b.baseUrl())) {
        for (long n = 6; n <= 10; n++) {
          publish(toB, channel, n);
        }
      }
      await().atMost(PATIENCE).until(() -> recorders.stream().allMatch(r -> lastN(r) == 10));

      for (int i = 0; i < recorders.size(); i++) {
        List<Object> events = recorders.get(i).events();
        List<Gap> gaps = recorders.get(i).gaps();
        assertThat(gaps).as("%s: the move is an explicit gap", transports.get(i)).hasSize(1);
        Gap gap = gaps.get(0);
        assertThat(gap.epochChanged()).isTrue();
        assertThat(gap.from().epoch()).isEqualTo(epochA);
        int at = events.indexOf(gap);
        List<Long> beforeN =
            events.subList(0, at).stream()
                .map(e -> TestClients.n(((Message) e).dataJson()))
                .filter(n -> n > 0)
                .toList();
        List<Long> afterN =
            events.subList(at + 1, events.size()).stream()
                .map(e -> TestClients.n(((Message) e).dataJson()))
                .toList();
        assertThat(beforeN).as("%s on A", transports.get(i)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(afterN).as("%s on B", transports.get(i)).containsExactly(6L, 7L, 8L, 9L, 10L);
      }
    }
  }

  private static String admin(TestIssuer issuer, ServerProcess node, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(node.baseUrl() + "/realtime/admin/" + path))
                .header(
                    "Authorization",
                    "Bearer "
                        + issuer.token("ops", List.of(), List.of(), Set.of(TestIssuer.ADMIN_ROLE)))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static ServerProcess node(TestIssuer issuer, Map<String, String> properties) {
    ServerProcess.Builder builder = ServerProcess.builder().issuer(issuer);
    properties.forEach(builder::property);
    return builder.build();
  }

  private static long lastN(Recorder recorder) {
    List<Message> messages = recorder.messages();
    return messages.isEmpty() ? -1 : TestClients.n(messages.get(messages.size() - 1).dataJson());
  }
}
