package io.parley.harness.client;

import static io.parley.harness.client.TestClients.PATIENCE;
import static io.parley.harness.client.TestClients.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.Ack;
import io.parley.client.ParleyClient;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 4's third "done when": after a client has connected, subscribed, published and received on
 * a transport, {@code close()} leaves no non-daemon thread behind and ends every thread the client
 * owns.
 */
class ClientCloseIT {
  private static ServerProcess server;

  @BeforeAll
  static void startServer() {
    server = ServerProcess.builder().build().start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void closeLeavesNoThreadBehind(Transport transport) {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    String channel = "it.close." + transport.name().toLowerCase(Locale.ROOT);
    ParleyClient client =
        TestClients.client(server.issuer(), server.baseUrl(), 61, transport).build();
    Recorder recorder = new Recorder();
    join(client.connect());
    Ack ack = join(client.publish(channel, "n", "{\"n\":1}"));
    client.subscribe(channel, new Position(ack.epoch(), 0), recorder);
    await().pollInSameThread().atMost(PATIENCE).until(() -> recorder.lastSeq() == 1);
    assertThat(clientThreads(before)).isNotEmpty();

    join(client.close());

    await()
        .pollInSameThread()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(nonDaemon(before)).isEmpty();
              assertThat(clientThreads(before)).isEmpty();
            });
  }

  /** Live non-daemon threads that did not exist before. */
  private static List<String> nonDaemon(Set<Thread> before) {
    return newThreads(before).stream().filter(t -> !t.isDaemon()).map(Thread::getName).toList();
  }

  /**
   * Live threads the client owns that did not exist before: its supervisor and dispatcher, and its
   * HTTP and OkHttp pools ({@code parley-<n>-...}).
   */
  private static List<String> clientThreads(Set<Thread> before) {
    return newThreads(before).stream()
        .map(Thread::getName)
        .filter(name -> name.matches("parley-(supervisor-|dispatcher-|\\d+-).*"))
        .toList();
  }

  /** Live threads that did not exist before, except Awaitility's own (it polls on them). */
  private static Set<Thread> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !before.contains(t))
        .filter(t -> !t.getName().startsWith("awaitility"))
        .collect(Collectors.toSet());
  }
}
