package io.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.Ack;
import io.parley.client.ClientClosedException;
import io.parley.client.ParleyClient;
import io.parley.client.StatusChanged;
import io.parley.client.Subscription;
import io.parley.client.internal.FakeTransport.Script;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client on its own threads (no virtual time): who calls whom, and what close() releases. */
class ClientThreadsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final FakeTransports transports = new FakeTransports();
  private final RecordingListener listener = new RecordingListener();
  private final RealParleyClient client =
      RealParleyClient.create(
          ParleyClient.builder()
              .serverUrl("http://127.0.0.1:1")
              .transports(Transport.WEBSOCKET)
              .options(),
          transports);

  @AfterEach
  void closeClient() {
    client.close().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Plays the server from a thread of its own, as a transport's I/O thread would. */
  private static void onIoThread(Runnable action) throws InterruptedException {
    Thread io = new Thread(action, "fake-io");
    io.start();
    io.join();
  }

  private static Set<String> liveThreadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  @Test
  void callsHandlersAndListenersOnTheDispatcherThreadOnlyInOrder() throws Exception {
    client.addListener(listener);
    RecordingHandler handler = new RecordingHandler();
    client.subscribe("jobs", handler);
    CompletableFuture<Thread> connectedOn = new CompletableFuture<>();
    client.connect().thenRun(() -> connectedOn.complete(Thread.currentThread()));
    await().atMost(PATIENCE).until(() -> !transports.opened().isEmpty());
    FakeConnection connection = transports.last();

    onIoThread(connection::welcome);
    await().atMost(PATIENCE).until(() -> client.status() == ConnectionStatus.CONNECTED);
    await().atMost(PATIENCE).until(() -> !connection.sent().isEmpty());
    onIoThread(
        () -> {
          connection.confirm("jobs", new Position("e1", 0));
          for (long seq = 1; seq <= 100; seq++) {
            connection.message("jobs", "e1", seq);
          }
        });
    await().atMost(PATIENCE).until(() -> handler.size() == 100);

    List<Long> seqs = handler.takeSeqs();
    assertThat(seqs).hasSize(100).isSorted().doesNotHaveDuplicates();
    Thread dispatcher = connectedOn.get(10, TimeUnit.SECONDS);
    assertThat(dispatcher.getName()).startsWith("parley-dispatcher-");
    assertThat(handler.threads()).containsOnly(dispatcher);
    assertThat(listener.threads()).isNotEmpty().containsOnly(dispatcher);
    assertThat(dispatcher).isNotSameAs(Thread.currentThread());
  }

  @Test
  void closeReleasesEveryThreadAndCallsNothingAfterTheFinalStatus() throws Exception {
    client.addListener(listener);
    RecordingHandler handler = new RecordingHandler();
    Subscription subscription = client.subscribe("jobs", handler);
    client.connect();
    await().atMost(PATIENCE).until(() -> !transports.opened().isEmpty());
    FakeConnection connection = transports.last();
    onIoThread(connection::welcome);
    await().atMost(PATIENCE).until(() -> client.status() == ConnectionStatus.CONNECTED);
    CompletableFuture<Ack> pending = client.publish("jobs", "e", "1").toCompletableFuture();
    Set<String> clientThreads =
        liveThreadNames().stream()
            .filter(name -> name.startsWith("parley-"))
            .collect(Collectors.toSet());
    assertThat(clientThreads).isNotEmpty();

    client.close().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(client.status()).isEqualTo(ConnectionStatus.DISCONNECTED);
    assertThat(connection.isClosed()).isTrue();
    assertThat(transports.isClosed()).isTrue();
    assertThat(subscription.isActive()).isFalse();
    assertThat(pending)
        .failsWithin(PATIENCE)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(ClientClosedException.class);
    List<Object> events = listener.drain();
    assertThat(events.get(events.size() - 1))
        .isEqualTo(
            new StatusChanged(ConnectionStatus.CONNECTED, ConnectionStatus.DISCONNECTED, null));

    onIoThread(() -> connection.message("jobs", "e1", 1));
    assertThat(client.connect().toCompletableFuture())
        .failsWithin(PATIENCE)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(ClientClosedException.class);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> assertThat(liveThreadNames()).doesNotContainAnyElementsOf(clientThreads));
    handler.assertExhausted();
    listener.assertExhausted();
  }

  @Test
  void closeBeforeConnectCompletesAndReleasesTheClient() throws Exception {
    client.close().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(client.status()).isEqualTo(ConnectionStatus.DISCONNECTED);
    assertThat(client.close().toCompletableFuture()).isCompleted();
  }

  @Test
  void aClientOnTheFallbackTransportReportsItFromAnyThread() throws Exception {
    RealParleyClient fallback =
        RealParleyClient.create(
            ParleyClient.builder()
                .serverUrl("http://127.0.0.1:1")
                .transports(Transport.SOCKET_IO, Transport.HTTP_POLL)
                .options(),
            transports);
    transports.get(Transport.SOCKET_IO).script(Script.REFUSE);
    transports.get(Transport.HTTP_POLL).script(Script.ACCEPT);
    try {
      fallback.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(fallback.status()).isEqualTo(ConnectionStatus.FALLBACK);
      assertThat(fallback.transport()).contains(Transport.HTTP_POLL);
    } finally {
      fallback.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
