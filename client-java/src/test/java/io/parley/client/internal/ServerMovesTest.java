package io.parley.client.internal;

import static io.parley.protocol.ConnectionStatus.CONNECTED;
import static io.parley.protocol.ConnectionStatus.CONNECTING;
import static io.parley.protocol.ConnectionStatus.DISCONNECTED;
import static io.parley.protocol.ConnectionStatus.FAILED;
import static io.parley.protocol.ConnectionStatus.RECONNECTING;
import static io.parley.protocol.Transport.SOCKET_IO;
import static io.parley.protocol.Transport.WEBSOCKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyClient;
import io.parley.client.ReconnectScheduled;
import io.parley.client.ServerChanged;
import io.parley.client.StatusChanged;
import io.parley.client.internal.FakeTransport.Script;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client given several server URLs, on fake transports and virtual time. */
class ServerMovesTest {
  static final URI A = URI.create("http://127.0.0.1:1");
  static final URI B = URI.create("http://127.0.0.1:2");

  private final ClientFixture fixture = new ClientFixture();
  private final RecordingListener listener = fixture.listener;

  /** The client's first and second server, in its (seeded) shuffled order. */
  private URI first;

  private URI second;

  @BeforeEach
  void twoServers() {
    fixture.builder.serverUrls(A, B).transports(SOCKET_IO, WEBSOCKET);
    // The order the fixture's client will draw from its seeded source, drawn from a twin.
    List<URI> order =
        ParleyClient.builder()
            .serverUrls(A, B)
            .random(new SplittableRandom(ClientFixture.SEED))
            .options()
            .serverUrls();
    first = order.get(0);
    second = order.get(1);
  }

  @AfterEach
  void noSupervisorTaskFailed() {
    fixture.assertHealthy();
  }

  @Test
  void movesToTheNextServerAtOnceWhenEveryTransportOfTheFirstFails() {
    fixture.transports.down(first, true);
    RealParleyClient client = fixture.start();
    assertThat(client.options().serverUrls()).containsExactly(first, second);

    client.connect();
    fixture.run();

    assertThat(fixture.transports.openedServers()).containsExactly(first, first, second);
    assertThat(fixture.transports.openedKinds()).containsExactly(SOCKET_IO, WEBSOCKET, SOCKET_IO);
    listener.takeStatus(DISCONNECTED, CONNECTING);
    StatusChanged moving = listener.takeStatus(CONNECTING, RECONNECTING);
    assertThat(moving.cause()).hasMessage("WEBSOCKET refused");
    listener.assertExhausted(); // no backoff: no ReconnectScheduled

    fixture.transports.last().welcome();
    fixture.run();

    listener.takeTransport(null, SOCKET_IO);
    listener.takeStatus(RECONNECTING, CONNECTED);
    listener.assertExhausted();
    assertThat(listener.takeServers()).containsExactly(new ServerChanged(null, second));
    assertThat(client.server()).contains(second);
  }

  @Test
  void resumesOnTheNextServerWhenTheFirstReconnectRoundToItsNodeFails() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection onFirst = fixture.transports.last();
    assertThat(onFirst.server).isEqualTo(first);
    RecordingHandler handler = new RecordingHandler();
    client.subscribe("jobs", handler);
    fixture.run();
    onFirst.confirm("jobs", new Position("e1", 0));
    onFirst.message("jobs", "e1", 1);
    onFirst.message("jobs", "e1", 2);
    fixture.run();
    listener.drain();
    assertThat(listener.takeServers()).containsExactly(new ServerChanged(null, first));

    fixture.transports.down(first, true);
    onFirst.drop("node killed");
    fixture.run();

    listener.takeTransport(SOCKET_IO, null);
    listener.takeStatus(CONNECTED, RECONNECTING);
    ReconnectScheduled scheduled = listener.takeReconnect(1);
    assertThat(client.server()).isEmpty();
    fixture.advance(scheduled.delay());

    // One round to the node it was on (it may have been a blip), then the next node at once.
    assertThat(fixture.transports.openedServers()).containsExactly(first, first, first, second);
    FakeConnection onSecond = fixture.transports.last();
    assertThat(onSecond.kind).isEqualTo(SOCKET_IO);
    assertThat(onSecond.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 2));
    onSecond.confirm("jobs", new Position("e1", 2));
    onSecond.message("jobs", "e1", 2); // replayed overlap: a duplicate
    onSecond.message("jobs", "e1", 3);
    fixture.run();

    listener.takeTransport(null, SOCKET_IO);
    listener.takeStatus(RECONNECTING, CONNECTED);
    listener.assertExhausted();
    assertThat(listener.takeServers()).containsExactly(new ServerChanged(first, second));
    assertThat(client.server()).contains(second);
    assertThat(handler.takeSeqs()).containsExactly(1L, 2L, 3L);
    assertThat(client.metrics().duplicatesDropped()).isEqualTo(1);
  }

  @Test
  void backsOffOnlyOnceEveryServerFailedAndThenStartsWithTheNextInOrder() {
    fixture.builder.transports(WEBSOCKET);
    fixture.transports.down(A, true);
    fixture.transports.down(B, true);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    assertThat(fixture.transports.openedServers()).containsExactly(first, second);
    listener.takeStatus(DISCONNECTED, CONNECTING);
    listener.takeStatus(CONNECTING, RECONNECTING);
    ReconnectScheduled wait = listener.takeReconnect(1);
    listener.assertExhausted();

    fixture.advance(wait.delay());
    assertThat(fixture.transports.openedServers()).containsExactly(first, second, first, second);
    wait = listener.takeReconnect(2);

    fixture.transports.down(first, false);
    fixture.transport(WEBSOCKET).script(Script.ACCEPT);
    fixture.advance(wait.delay());

    assertThat(fixture.transports.openedServers())
        .containsExactly(first, second, first, second, first);
    assertThat(client.status()).isEqualTo(CONNECTED);
    assertThat(client.server()).contains(first);
  }

  @Test
  void maxAttemptsCountsBackoffWaitsNotMovesBetweenServers() {
    fixture.builder.transports(WEBSOCKET).maxAttempts(1);
    fixture.transports.down(A, true);
    fixture.transports.down(B, true);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    fixture.advance(Duration.ofMinutes(5));

    assertThat(fixture.transports.openedServers()).containsExactly(first, second, first, second);
    listener.takeStatus(DISCONNECTED, CONNECTING);
    listener.takeStatus(CONNECTING, RECONNECTING);
    listener.takeReconnect(1);
    StatusChanged failed = listener.takeStatus(RECONNECTING, FAILED);
    listener.assertExhausted();
    assertThat(failed.cause()).hasMessageContaining("gave up after 1 retry rounds");
  }

  @Test
  void aRefusedTokenIsNotAReasonToMove() {
    fixture.builder.tokenSupplier(() -> "same");
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().rejectToken(ErrorCode.TOKEN_INVALID);
    fixture.run();

    assertThat(fixture.transports.openedServers()).containsExactly(first);
    listener.takeStatus(DISCONNECTED, CONNECTING);
    StatusChanged failed = listener.takeStatus(CONNECTING, FAILED);
    assertThat(failed.cause()).isInstanceOf(AuthenticationException.class);
    listener.assertExhausted();
  }

  @Test
  void aBusyServerSendsTheClientToTheNextAtOnce() {
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().busy(Duration.ofSeconds(60));
    fixture.run();

    // The other transports would reach the same busy node; the other node may not be busy.
    assertThat(fixture.transports.openedServers()).containsExactly(first, second);
    fixture.transports.last().welcome();
    fixture.run();
    assertThat(client.status()).isEqualTo(CONNECTED);
    assertThat(client.server()).contains(second);
  }

  @Test
  void aBusyRetryAfterStillDelaysTheBackoffWhenEveryServerFailed() {
    fixture.builder.transports(WEBSOCKET);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    fixture.transports.last().busy(Duration.ofSeconds(60));
    fixture.run();
    fixture.transports.last().drop("down");
    fixture.run();

    listener.takeStatus(DISCONNECTED, CONNECTING);
    listener.takeStatus(CONNECTING, RECONNECTING);
    assertThat(listener.takeReconnect(1).delay()).isEqualTo(Duration.ofSeconds(60));
    assertThat(listener.takeServers()).isEmpty();
  }

  @Test
  void forgetsTheTransportsSkippedOnTheNodeItLeft() {
    fixture.builder.failureThreshold(1);
    fixture.transports.down(first, true);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    // SOCKET_IO failed once on the first node, reaching the threshold; the next node gets it.
    assertThat(fixture.transports.openedKinds()).containsExactly(SOCKET_IO, WEBSOCKET, SOCKET_IO);
    assertThat(fixture.transports.last().server).isEqualTo(second);
  }

  @Test
  void aDrainHintMigratesToTheNextServerWithoutLoss() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection draining = fixture.transports.last();
    RecordingHandler handler = new RecordingHandler();
    client.subscribe("jobs", handler);
    fixture.run();
    draining.confirm("jobs", new Position("e1", 0));
    draining.message("jobs", "e1", 1);
    draining.frame(new ServerFrame.Reconnect("draining", 2_000));
    fixture.run();
    listener.takeServers();

    fixture.advance(Duration.ofMillis(2_000));
    FakeConnection fresh = fixture.transports.last();
    assertThat(fresh.server).isEqualTo(second);
    assertThat(fresh.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 1));
    fresh.confirm("jobs", new Position("e1", 1));
    fixture.run();

    assertThat(draining.isClosed()).isTrue();
    assertThat(client.server()).contains(second);
    assertThat(listener.takeServers()).containsExactly(new ServerChanged(first, second));
    assertThat(handler.takeSeqs()).containsExactly(1L);
  }

  @Test
  void aProbeLooksForABetterTransportOnTheSameServer() {
    fixture.transport(SOCKET_IO).script(Script.REFUSE);
    fixture.transport(WEBSOCKET).script(Script.ACCEPT);
    fixture.builder.probeInterval(Duration.ofSeconds(30));
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    assertThat(fixture.transports.last().server).isEqualTo(first);

    fixture.advance(Duration.ofSeconds(30));

    FakeConnection probe = fixture.transports.last();
    assertThat(probe.kind).isEqualTo(SOCKET_IO);
    assertThat(probe.server).isEqualTo(first);
    assertThat(client.server()).contains(first);
    assertThat(listener.drain()).noneMatch(ConnectionException.class::isInstance);
  }
}
