package io.parley.harness.client;

import static io.parley.harness.client.TestClients.PATIENCE;
import static io.parley.harness.client.TestClients.join;
import static io.parley.harness.client.TestClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.ClientListener;
import io.parley.client.Message;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyPublisher;
import io.parley.client.ReconnectScheduled;
import io.parley.client.ServerChanged;
import io.parley.client.TokenSupplier;
import io.parley.harness.auth.TestIssuer;
import io.parley.harness.server.ServerProcess;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients given the URLs of two server processes that share the machine's Redis under a key prefix
 * of this test's own ({@code ParleyClient.Builder.serverUrls}): with no balancer in front, a client
 * whose node dies moves to the other URL of its list by itself and resumes there, every message
 * once, in order, with no gap, on Socket.IO, {@code /ws} and HTTP long-polling (and a backend
 * publisher given both URLs moves too); and a dead URL first in a client's order costs one failed
 * round, not a backoff.
 */
class ServerListIT {
  private static final List<Transport> TRANSPORTS =
      List.of(Transport.SOCKET_IO, Transport.WEBSOCKET, Transport.HTTP_LONG_POLL);

  private final String prefix = "parley-test:" + UUID.randomUUID() + ":";
  private final TestIssuer issuer = TestIssuer.create();

  @AfterEach
  void deleteKeys() {
    RedisKeys.deleteUnder(prefix);
  }

  private ServerProcess node() {
    return ServerProcess.builder()
        .issuer(issuer)
        .property("realtime.backplane", "redis")
        .property("realtime.redis.key-prefix", prefix)
        .build();
  }

  @Test
  void clientsOnEveryTransportMoveToTheOtherUrlWhenTheirNodeDiesWithNoGapAndNoDuplicate() {
    String channel = "it.serverlist.move";
    try (ServerProcess a = node().start();
        ServerProcess b = node().start();
        Closer closer = new Closer()) {
      List<String> urls = List.of(a.baseUrl(), b.baseUrl());
      URI urlA = normalized(a.baseUrl());
      URI urlB = normalized(b.baseUrl());
      // A backend publisher given both URLs too, starting on A: it moves to B on its own.
      try (ParleyPublisher backend =
          ParleyPublisher.builder()
              .serverUrls(urls)
              .random(new SplittableRandom(seedStartingWith(urls, urlA, 1)))
              .tokenSupplier(TokenSupplier.of(issuer.publisherToken("it-backend")))
              .clientId("it-backend")
              .build()) {
        List<Recorder> recorders = new ArrayList<>();
        List<ParleyClient> clients = new ArrayList<>();
        List<ServerLog> logs = new ArrayList<>();
        for (int i = 0; i < TRANSPORTS.size(); i++) {
          // Each client shuffles the list with its seed; this one's order starts with node A.
          long seed = seedStartingWith(urls, urlA, 100L * (i + 1));
          ParleyClient client =
              closer.add(
                  TestClients.client(issuer, a.baseUrl(), seed, TRANSPORTS.get(i))
                      .serverUrls(urls)
                      .random(new SplittableRandom(seed))
                      .build());
          assertThat(client.options().serverUrls()).containsExactly(urlA, urlB);
          ServerLog log = new ServerLog();
          client.addListener(log);
          Recorder recorder = new Recorder();
          client.subscribe(channel, recorder);
          join(client.connect());
          assertThat(client.server()).contains(urlA);
          recorders.add(recorder);
          clients.add(client);
          logs.add(log);
        }
        // Subscriptions confirmed: a first message reaches every client before counting.
        await()
            .atMost(PATIENCE)
            .until(
                () -> {
                  publish(backend, channel, 0);
                  return recorders.stream().allMatch(r -> !r.messages().isEmpty());
                });
        for (long n = 1; n <= 6; n++) {
          publish(backend, channel, n);
        }
        await().atMost(PATIENCE).until(() -> recorders.stream().allMatch(r -> lastN(r) == 6));

        a.kill();
        for (long n = 7; n <= 12; n++) {
          publish(backend, channel, n); // while the clients find their way to B
        }
        await().atMost(PATIENCE).until(() -> recorders.stream().allMatch(r -> lastN(r) == 12));

        for (int i = 0; i < recorders.size(); i++) {
          Recorder recorder = recorders.get(i);
          Transport transport = TRANSPORTS.get(i);
          assertThat(clients.get(i).server()).as("%s: on node B", transport).contains(urlB);
          assertThat(clients.get(i).status())
              .as("%s: on its best transport", transport)
              .isEqualTo(ConnectionStatus.CONNECTED);
          assertThat(logs.get(i).servers())
              .as("%s: A, then B", transport)
              .containsExactly(new ServerChanged(null, urlA), new ServerChanged(urlA, urlB));
          assertThat(recorder.gaps()).as("%s: no gap", transport).isEmpty();
          List<Long> ns =
              recorder.messages().stream()
                  .map(m -> TestClients.n(m.dataJson()))
                  .filter(n -> n > 0)
                  .toList();
          assertThat(ns)
              .as("%s: every message once, in order", transport)
              .isEqualTo(LongStream.rangeClosed(1, 12).boxed().toList());
          List<Long> seqs = recorder.seqs();
          for (int k = 1; k < seqs.size(); k++) {
            assertThat(seqs.get(k))
                .as("%s: seqs consecutive", transport)
                .isEqualTo(seqs.get(k - 1) + 1);
          }
          assertThat(recorder.messages().stream().map(Message::epoch).distinct())
              .as("%s: one epoch across both nodes", transport)
              .hasSize(1);
        }
      }
    }
  }

  @Test
  void aDeadUrlFirstInTheClientsOrderCostsOneFailedRoundNotABackoff() throws IOException {
    String dead = "http://127.0.0.1:" + freePort();
    try (ServerProcess live = node().start();
        Closer closer = new Closer()) {
      List<String> urls = List.of(dead, live.baseUrl());
      long seed = seedStartingWith(urls, normalized(dead), 1);
      ServerLog log = new ServerLog();
      ParleyClient client =
          closer.add(
              TestClients.client(issuer, live.baseUrl(), seed, Transport.SOCKET_IO)
                  .serverUrls(urls)
                  .random(new SplittableRandom(seed))
                  .build());
      client.addListener(log);

      join(client.connect());

      assertThat(client.server()).contains(normalized(live.baseUrl()));
      assertThat(log.servers()).containsExactly(new ServerChanged(null, client.server().get()));
      assertThat(client.metrics().failedConnections()).isEqualTo(1);
      assertThat(log.reconnectsScheduled()).as("no backoff wait on the way").isZero();
    }
  }

  /** {@code url} as the client keeps it (without a trailing slash). */
  private static URI normalized(String url) {
    return ParleyClient.builder().serverUrl(url).options().serverUrl();
  }

  /** The first seed from {@code from} whose shuffle of {@code urls} puts {@code first} first. */
  private static long seedStartingWith(List<String> urls, URI first, long from) {
    for (long seed = from; seed < from + 1_000; seed++) {
      List<URI> order =
          ParleyClient.builder()
              .serverUrls(urls)
              .random(new SplittableRandom(seed))
              .options()
              .serverUrls();
      if (order.get(0).equals(first)) {
        return seed;
      }
    }
    throw new AssertionError("no seed puts " + first + " first in " + urls);
  }

  /** A loopback port nothing listens on: taken from the system, then released. */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static long lastN(Recorder recorder) {
    List<Message> messages = recorder.messages();
    return messages.isEmpty() ? -1 : TestClients.n(messages.get(messages.size() - 1).dataJson());
  }

  /** Records the server changes and counts the backoff waits; thread-safe. */
  private static final class ServerLog implements ClientListener {
    private final List<ServerChanged> servers = new CopyOnWriteArrayList<>();
    private final List<Object> reconnects = new CopyOnWriteArrayList<>();

    @Override
    public void onServerChanged(ServerChanged event) {
      servers.add(event);
    }

    @Override
    public void onReconnectScheduled(ReconnectScheduled event) {
      reconnects.add(event);
    }

    List<ServerChanged> servers() {
      return List.copyOf(servers);
    }

    int reconnectsScheduled() {
      return reconnects.size();
    }
  }
}
