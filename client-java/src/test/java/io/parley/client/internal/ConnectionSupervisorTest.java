package io.parley.client.internal;

import static io.parley.protocol.ConnectionStatus.CONNECTED;
import static io.parley.protocol.ConnectionStatus.CONNECTING;
import static io.parley.protocol.ConnectionStatus.DISCONNECTED;
import static io.parley.protocol.ConnectionStatus.FAILED;
import static io.parley.protocol.ConnectionStatus.FALLBACK;
import static io.parley.protocol.ConnectionStatus.RECONNECTING;
import static io.parley.protocol.Transport.HTTP_LONG_POLL;
import static io.parley.protocol.Transport.HTTP_POLL;
import static io.parley.protocol.Transport.SOCKET_IO;
import static io.parley.protocol.Transport.WEBSOCKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.AuthenticationException;
import io.parley.client.ClientMetrics;
import io.parley.client.ConnectionException;
import io.parley.client.ReconnectScheduled;
import io.parley.client.StatusChanged;
import io.parley.client.internal.FakeTransport.Script;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConnectionSupervisorTest {
  /** The first delays of the default policy (1 s base, 30 s cap, full jitter), seed 42. */
  static final List<Duration> SEEDED_DELAYS =
      List.of(Duration.ofMillis(576), Duration.ofMillis(1944), Duration.ofMillis(604));

  private final ClientFixture fixture = new ClientFixture();
  private final RecordingListener listener = fixture.listener;

  @AfterEach
  void noSupervisorTaskFailed() {
    fixture.assertHealthy();
  }

  @Test
  void connectsOnTheBestTransportAndReportsConnected() {
    RealParleyClient client = fixture.start();
    assertThat(client.status()).isEqualTo(DISCONNECTED);

    CompletableFuture<Void> connected = client.connect().toCompletableFuture();
    fixture.run();
    listener.takeStatus(DISCONNECTED, CONNECTING);
    assertThat(fixture.transports.openedKinds()).containsExactly(SOCKET_IO);
    assertThat(connected).isNotDone();

    fixture.transports.last().welcome();
    fixture.run();

    listener.takeTransport(null, SOCKET_IO);
    listener.takeStatus(CONNECTING, CONNECTED);
    listener.assertExhausted();
    assertThat(connected).isCompleted();
    assertThat(client.status()).isEqualTo(CONNECTED);
    assertThat(client.transport()).contains(SOCKET_IO);
    assertThat(fixture.transports.last().request.clientId()).isEqualTo("client-1");
  }

  @Test
  void walksTheLadderInOrderAndReportsFallbackOnALowerTransport() {
    fixture.transport(SOCKET_IO).script(Script.REFUSE);
    fixture.transport(WEBSOCKET).script(Script.REFUSE);
    fixture.transport(HTTP_LONG_POLL).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();

    client.connect();
    fixture.run();

    assertThat(fixture.transports.openedKinds())
        .containsExactly(SOCKET_IO, WEBSOCKET, HTTP_LONG_POLL);
    listener.takeStatus(DISCONNECTED, CONNECTING);
    listener.takeTransport(null, HTTP_LONG_POLL);
    listener.takeStatus(CONNECTING, FALLBACK);
    listener.assertExhausted();
    assertThat(client.metrics().fallbacks()).isEqualTo(1);
    assertThat(client.metrics().failedConnections()).isEqualTo(2);
  }

  @Test
  void followsTheConfiguredTransportOrder() {
    fixture.builder.transports(HTTP_POLL, WEBSOCKET);
    fixture.transport(HTTP_POLL).script(Script.REFUSE);
    fixture.transport(WEBSOCKET).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();

    client.connect();
    fixture.run();

    assertThat(fixture.transports.openedKinds()).containsExactly(HTTP_POLL, WEBSOCKET);
    assertThat(client.status()).isEqualTo(FALLBACK);
  }

  @Test
  void boundsEachTryByTheConnectTimeoutThenTriesTheNextTransport() {
    fixture.builder.connectTimeout(Duration.ofSeconds(5));
    fixture.transport(WEBSOCKET).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();

    client.connect();
    fixture.run();
    FakeConnection hanging = fixture.transports.last();
    fixture.advance(Duration.ofMillis(4_999));
    assertThat(fixture.transports.openedKinds()).containsExactly(SOCKET_IO);

    fixture.advance(Duration.ofMillis(1));

    assertThat(hanging.isClosed()).isTrue();
    assertThat(fixture.transports.openedKinds()).containsExactly(SOCKET_IO, WEBSOCKET);
    assertThat(client.status()).isEqualTo(FALLBACK);
    assertThat(client.metrics().lastFailureReason()).contains("did not connect within PT5S");
  }

  @Test
  void waitsTheFallbackDelayBetweenTransportsOfOneRound() {
    fixture.builder.fallbackDelay(Duration.ofMillis(250));
    fixture.transport(SOCKET_IO).script(Script.REFUSE);
    fixture.transport(WEBSOCKET).script(Script.ACCEPT);
    fixture.start().connect();
    fixture.run();
    assertThat(fixture.transports.openedKinds()).containsExactly(SOCKET_IO);

    fixture.advance(Duration.ofMillis(250));

    assertThat(fixture.transports.openedKinds()).containsExactly(SOCKET_IO, WEBSOCKET);
  }

  @Test
  void backsOffWithSeededFullJitterBetweenFailedRounds() {
    for (var kind : io.parley.protocol.Transport.values()) {
      fixture.transport(kind).script(Script.REFUSE);
    }
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    listener.takeStatus(DISCONNECTED, CONNECTING);

    List<Duration> delays = new ArrayList<>();
    for (int attempt = 1; attempt <= 3; attempt++) {
      if (attempt == 1) {
        listener.takeStatus(CONNECTING, RECONNECTING);
      }
      ReconnectScheduled scheduled = listener.takeReconnect(attempt);
      assertThat(scheduled.cause()).isInstanceOf(ConnectionException.class);
      delays.add(scheduled.delay());
      assertThat(fixture.transports.opened()).hasSize(4 * attempt);
      fixture.advance(scheduled.delay().minusMillis(1));
      assertThat(fixture.transports.opened()).hasSize(4 * attempt);
      fixture.advance(Duration.ofMillis(1));
    }

    assertThat(delays).isEqualTo(SEEDED_DELAYS);
    assertThat(client.status()).isEqualTo(RECONNECTING);
  }

  @Test
  void givesUpAfterMaxAttemptsWithFailed() {
    fixture.builder.maxAttempts(2).transports(WEBSOCKET);
    fixture.transport(WEBSOCKET).script(Script.REFUSE);
    RealParleyClient client = fixture.start();
    CompletableFuture<Void> connected = client.connect().toCompletableFuture();
    fixture.run();
    fixture.advance(Duration.ofMinutes(5));

    assertThat(fixture.transports.opened()).hasSize(3);
    listener.takeStatus(DISCONNECTED, CONNECTING);
    listener.takeStatus(CONNECTING, RECONNECTING);
    listener.takeReconnect(1);
    listener.takeReconnect(2);
    StatusChanged failed = listener.takeStatus(RECONNECTING, FAILED);
    listener.assertExhausted();
    assertThat(failed.cause())
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("gave up after 2 retry rounds");
    assertThat(connected).isCompletedExceptionally();
    CompletableFuture<Void> again = client.connect().toCompletableFuture();
    fixture.run();
    assertThat(again).isCompletedExceptionally();
  }

  @Test
  void reconnectsAfterALostConnectionAndCountsTheReconnect() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    listener.drain();

    fixture.transports.last().drop("network gone");
    fixture.run();

    listener.takeTransport(SOCKET_IO, null);
    StatusChanged lost = listener.takeStatus(CONNECTED, RECONNECTING);
    assertThat(lost.cause()).hasMessage("network gone");
    ReconnectScheduled scheduled = listener.takeReconnect(1);
    assertThat(scheduled.delay()).isEqualTo(SEEDED_DELAYS.get(0));
    assertThat(client.transport()).isEmpty();

    fixture.advance(scheduled.delay());

    listener.takeTransport(null, SOCKET_IO);
    listener.takeStatus(RECONNECTING, CONNECTED);
    listener.assertExhausted();
    ClientMetrics metrics = client.metrics();
    assertThat(metrics.totalConnections()).isEqualTo(2);
    assertThat(metrics.reconnects()).isEqualTo(1);
    assertThat(metrics.lastFailureReason()).isEqualTo("network gone");
    assertThat(metrics.lastFailureAt()).isEqualTo(ClientFixture.START);
  }

  @Test
  void startsTheBackoffOverOnlyAfterTheStablePeriod() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().drop("first");
    fixture.run();
    ReconnectScheduled first = listener.skipTo(ReconnectScheduled.class);
    fixture.advance(first.delay());
    fixture.advance(Duration.ofSeconds(29));
    fixture.transports.last().drop("second, before the stable period");
    fixture.run();
    ReconnectScheduled second = listener.skipTo(ReconnectScheduled.class);
    fixture.advance(second.delay());
    fixture.advance(Duration.ofSeconds(30));
    fixture.transports.last().drop("third, after the stable period");
    fixture.run();
    ReconnectScheduled third = listener.skipTo(ReconnectScheduled.class);

    assertThat(List.of(first.attempt(), second.attempt(), third.attempt()))
        .containsExactly(1, 2, 1);
    assertThat(client.status()).isEqualTo(RECONNECTING);
  }

  @Test
  void skipsATransportAfterConsecutiveFailuresAndTriesItAgainAfterTheSkip() {
    fixture
        .builder
        .failureThreshold(2)
        .skipDuration(Duration.ofMinutes(2))
        .stablePeriod(Duration.ofSeconds(1))
        .probeInterval(Duration.ofHours(1));
    fixture.transport(SOCKET_IO).script(Script.REFUSE);
    fixture.transport(WEBSOCKET).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    assertThat(fixture.transports.openedKinds()).containsExactly(SOCKET_IO, WEBSOCKET);

    // Second round: Socket.IO fails again (2 in a row) and is skipped from now on.
    reconnectAfterDrop();
    assertThat(fixture.transports.openedKinds())
        .containsExactly(SOCKET_IO, WEBSOCKET, SOCKET_IO, WEBSOCKET);

    reconnectAfterDrop();
    assertThat(fixture.transports.openedKinds().subList(4, 5)).containsExactly(WEBSOCKET);

    fixture.advance(Duration.ofMinutes(2));
    reconnectAfterDrop();
    assertThat(fixture.transports.openedKinds().subList(5, 7))
        .containsExactly(SOCKET_IO, WEBSOCKET);
    assertThat(client.status()).isEqualTo(FALLBACK);
  }

  @Test
  void skipsATransportThatConnectsButKeepsDroppingBeforeTheStablePeriod() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    fixture.transport(WEBSOCKET).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    for (int drop = 1; drop <= 3; drop++) {
      fixture.advance(Duration.ofSeconds(10));
      fixture.transports.last().drop("dropped after 10 s");
      fixture.run();
      fixture.advance(listener.skipTo(ReconnectScheduled.class).delay());
    }

    assertThat(fixture.transports.openedKinds())
        .containsExactly(SOCKET_IO, SOCKET_IO, SOCKET_IO, WEBSOCKET);
    assertThat(client.status()).isEqualTo(FALLBACK);
  }

  /** Lets the current connection become stable, drops it, and waits out the backoff. */
  private void reconnectAfterDrop() {
    fixture.advance(Duration.ofSeconds(1));
    fixture.transports.last().drop("dropped");
    fixture.run();
    fixture.advance(listener.skipTo(ReconnectScheduled.class).delay());
  }

  @Test
  void probesUpwardFromFallbackAndSwitchesWhenTheBetterTransportWorks() {
    fixture.transport(SOCKET_IO).script(Script.REFUSE);
    fixture.transport(WEBSOCKET).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection webSocket = fixture.transports.last();
    listener.drain();

    fixture.transport(SOCKET_IO).script(Script.MANUAL);
    fixture.advance(Duration.ofSeconds(29));
    assertThat(fixture.transport(SOCKET_IO).connections()).hasSize(1);
    fixture.advance(Duration.ofSeconds(1));
    FakeConnection probe = fixture.transport(SOCKET_IO).last();
    assertThat(fixture.transport(SOCKET_IO).connections()).hasSize(2);
    assertThat(client.status()).isEqualTo(FALLBACK);

    probe.welcome();
    fixture.run();

    listener.takeTransport(WEBSOCKET, SOCKET_IO);
    listener.takeStatus(FALLBACK, CONNECTED);
    listener.assertExhausted();
    assertThat(webSocket.isClosed()).isTrue();
    assertThat(client.transport()).contains(SOCKET_IO);
  }

  @Test
  void keepsTheCurrentConnectionWhenAProbeFailsAndProbesAgainAfterTheInterval() {
    fixture.transport(SOCKET_IO).script(Script.REFUSE);
    fixture.transport(WEBSOCKET).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    listener.drain();

    fixture.advance(Duration.ofSeconds(30));
    assertThat(fixture.transport(SOCKET_IO).connections()).hasSize(2);
    assertThat(client.status()).isEqualTo(FALLBACK);
    listener.assertExhausted();

    fixture.advance(Duration.ofSeconds(30));
    assertThat(fixture.transport(SOCKET_IO).connections()).hasSize(3);
    assertThat(fixture.transport(WEBSOCKET).connections()).hasSize(1);
    assertThat(client.metrics().failedConnections()).isEqualTo(3);
  }

  @Test
  void asksTheTokenSupplierOnceMoreAfterARejectionAndFailsWhenTheTokenIsTheSame() {
    AtomicInteger asked = new AtomicInteger();
    fixture.builder.tokenSupplier(
        () -> {
          asked.incrementAndGet();
          return "token-1";
        });
    RealParleyClient client = fixture.start();
    CompletableFuture<Void> connected = client.connect().toCompletableFuture();
    fixture.run();
    assertThat(fixture.transports.last().request.token()).isEqualTo("token-1");

    fixture.transports.last().rejectToken(ErrorCode.TOKEN_EXPIRED);
    fixture.run();

    assertThat(asked).hasValue(2);
    assertThat(fixture.transports.openedKinds()).containsExactly(SOCKET_IO);
    listener.takeStatus(DISCONNECTED, CONNECTING);
    StatusChanged failed = listener.takeStatus(CONNECTING, FAILED);
    listener.assertExhausted();
    assertThat(failed.cause())
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
    assertThat(connected)
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .withCauseInstanceOf(AuthenticationException.class);
    fixture.advance(Duration.ofMinutes(10));
    assertThat(fixture.transports.opened()).hasSize(1);
  }

  @Test
  void failsWhenAnAnonymousClientIsRejected() {
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().rejectToken(ErrorCode.TOKEN_MISSING);
    fixture.run();

    assertThat(client.status()).isEqualTo(FAILED);
  }

  @Test
  void retriesAtOnceWithANewTokenAfterARejection() {
    List<String> tokens = new ArrayList<>(List.of("old", "new"));
    fixture.builder.tokenSupplier(() -> tokens.size() > 1 ? tokens.remove(0) : tokens.get(0));
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().rejectToken(ErrorCode.TOKEN_EXPIRED);
    fixture.run();

    assertThat(fixture.transports.opened()).hasSize(2);
    FakeConnection retry = fixture.transports.last();
    assertThat(retry.kind).isEqualTo(SOCKET_IO);
    assertThat(retry.request.token()).isEqualTo("new");
    retry.welcome();
    fixture.run();
    assertThat(client.status()).isEqualTo(CONNECTED);
  }

  @Test
  void treatsAnAuthenticationErrorFrameOnAnOpenConnectionLikeARejection() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().error(null, ErrorCode.TOKEN_EXPIRED);
    fixture.run();

    assertThat(fixture.transports.last().isClosed()).isTrue();
    assertThat(client.status()).isEqualTo(FAILED);
  }

  @Test
  void dropsAConnectionThatStaysSilentPastTheHeartbeatDeadline() {
    fixture.builder.heartbeatTimeout(null);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection connection = fixture.transports.last();
    connection.welcome(new ServerFrame.Heartbeat(1_000, 1_500));
    fixture.run();

    fixture.advance(Duration.ofMillis(1_200));
    connection.frame(new ServerFrame.Ping(1));
    fixture.run();
    fixture.advance(Duration.ofMillis(1_499));
    assertThat(client.status()).isEqualTo(CONNECTED);
    assertThat(connection.sent(ClientFrame.Pong.class)).containsExactly(new ClientFrame.Pong(1));

    fixture.advance(Duration.ofMillis(1));

    assertThat(connection.isClosed()).isTrue();
    assertThat(client.status()).isEqualTo(RECONNECTING);
    assertThat(listener.skipTo(StatusChanged.class).cause()).isNull(); // DISCONNECTED -> CONNECTING
    assertThat(listener.skipTo(StatusChanged.class).cause()).isNull(); // -> CONNECTED
    assertThat(listener.skipTo(StatusChanged.class).cause())
        .hasMessageContaining("nothing heard from the server for PT1.5S");
  }

  @Test
  void heartbeatTimeoutOptionOverridesTheServersHeartbeat() {
    fixture.builder.heartbeatTimeout(Duration.ofSeconds(3));
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    fixture.transports.last().welcome(new ServerFrame.Heartbeat(60_000, 60_000));
    fixture.run();

    fixture.advance(Duration.ofSeconds(3));

    assertThat(client.status()).isEqualTo(RECONNECTING);
  }

  @Test
  void connectionLevelServerErrorDropsTheConnectionAtOnce() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().error(null, ErrorCode.SLOW_CONSUMER);
    fixture.run();

    assertThat(client.status()).isEqualTo(RECONNECTING);
    assertThat(client.metrics().lastFailureReason()).startsWith("SLOW_CONSUMER");
  }

  @Test
  void anOperatorsDisconnectWithoutReturnEndsTheClientFailedWithoutARetry() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().error(null, ErrorCode.DISCONNECTED_NO_RECONNECT);
    fixture.run();
    fixture.advance(Duration.ofMinutes(5));

    assertThat(fixture.transports.last().isClosed()).isTrue();
    assertThat(fixture.transports.opened()).hasSize(1);
    assertThat(client.status()).isEqualTo(FAILED);
    assertThat(client.metrics().lastFailureReason()).startsWith("DISCONNECTED_NO_RECONNECT");
  }

  @Test
  void anOperatorsDisconnectAllowingReturnIsALostConnection() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().error(null, ErrorCode.DISCONNECTED_BY_ADMIN);
    fixture.run();

    assertThat(client.status()).isEqualTo(RECONNECTING);
  }

  @Test
  void measuresRoundTripTimeFromPingAndPong() {
    fixture.builder.pingInterval(Duration.ofSeconds(10));
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection connection = fixture.transports.last();
    connection.welcome();
    fixture.run();

    fixture.advance(Duration.ofSeconds(10));
    ClientFrame.Ping ping = connection.sent(ClientFrame.Ping.class).get(0);
    fixture.advance(Duration.ofMillis(40));
    connection.frame(new ServerFrame.Pong(ping.ts()));
    fixture.run();

    assertThat(client.metrics().averageRoundTrip()).isEqualTo(Duration.ofMillis(40));
    assertThat(client.metrics().p99RoundTrip()).isEqualTo(Duration.ofMillis(40));
  }

  @Test
  void migratesToAFreshConnectionWhenTheServerAsksToReconnect() {
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

    fixture.advance(Duration.ofMillis(2_000));
    FakeConnection fresh = fixture.transports.last();
    assertThat(fresh).isNotSameAs(draining);
    assertThat(fresh.lastSubscribe("jobs").since()).isEqualTo(new Position("e1", 1));
    fresh.confirm("jobs", new Position("e1", 1));
    fixture.run();

    assertThat(draining.isClosed()).isTrue();
    assertThat(client.status()).isEqualTo(CONNECTED);
    assertThat(handler.takeSeqs()).containsExactly(1L);
  }

  @Test
  void triesTheMigrationAgainAfterTheRetryAfterWhenEveryCandidateIsRefusedBusy() {
    fixture.builder.transports(SOCKET_IO);
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection draining = fixture.transports.last();
    fixture.transport(SOCKET_IO).script(Script.MANUAL);
    draining.frame(new ServerFrame.Reconnect("draining", 1_000));
    fixture.run();

    fixture.advance(Duration.ofMillis(1_000));
    FakeConnection refused = fixture.transports.last();
    assertThat(refused).isNotSameAs(draining);
    refused.busy(Duration.ofSeconds(2)); // the draining node again, through the balancer
    fixture.run();
    fixture.advance(Duration.ofMillis(1_999));
    assertThat(fixture.transports.last()).isSameAs(refused);

    fixture.advance(Duration.ofMillis(1));
    FakeConnection moved = fixture.transports.last();
    assertThat(moved).isNotSameAs(refused);
    moved.welcome();
    fixture.run();

    assertThat(draining.isClosed()).isTrue();
    assertThat(client.status()).isEqualTo(CONNECTED);
  }

  @Test
  void refreshesAnExpiringTokenInBandWithoutReconnecting() {
    List<String> tokens = new ArrayList<>(List.of("old", "new"));
    fixture.builder.tokenSupplier(() -> tokens.size() > 1 ? tokens.remove(0) : tokens.get(0));
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection connection = fixture.transports.last();
    RecordingHandler handler = new RecordingHandler();
    client.subscribe("jobs", handler);
    fixture.run();
    connection.confirm("jobs", new Position("e1", 0));
    connection.message("jobs", "e1", 1);
    CompletableFuture<?> published =
        client.publish("jobs", "note", "{\"n\":1}").toCompletableFuture();
    fixture.run();
    listener.drain();
    String publishId = connection.sent(ClientFrame.Publish.class).get(0).id();

    connection.frame(
        ServerFrame.Error.of(
            null,
            ErrorCode.TOKEN_REFRESH_REQUIRED,
            "token expired; refresh within 30000 ms",
            "token"));
    fixture.run();

    assertThat(connection.sent(ClientFrame.Auth.class))
        .containsExactly(new ClientFrame.Auth("new"));
    assertThat(connection.isClosed()).isFalse();
    assertThat(fixture.transports.opened()).hasSize(1);
    assertThat(client.status()).isEqualTo(CONNECTED);
    listener.assertExhausted();
    connection.message("jobs", "e1", 2);
    connection.ack(publishId, 3);
    fixture.run();
    assertThat(handler.takeSeqs()).containsExactly(1L, 2L);
    assertThat(published).isCompleted();
    assertThat(connection.sent(ClientFrame.Subscribe.class)).hasSize(1);
    assertThat(connection.sent(ClientFrame.Publish.class)).hasSize(1);

    connection.drop("network gone");
    fixture.advance(Duration.ofMinutes(1));
    assertThat(fixture.transports.last().request.token()).isEqualTo("new");
  }

  @Test
  void failsWhenTheSupplierHasNoFreshTokenForAnInBandRefresh() {
    AtomicInteger asked = new AtomicInteger();
    fixture.builder.tokenSupplier(
        () -> {
          asked.incrementAndGet();
          return "token-1";
        });
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection connection = fixture.transports.last();

    connection.error(null, ErrorCode.TOKEN_REFRESH_REQUIRED);
    fixture.run();

    assertThat(asked).hasValue(2);
    assertThat(connection.sent(ClientFrame.Auth.class)).isEmpty();
    assertThat(connection.isClosed()).isTrue();
    assertThat(client.status()).isEqualTo(FAILED);
    listener.skipTo(StatusChanged.class); // DISCONNECTED -> CONNECTING
    listener.skipTo(StatusChanged.class); // -> CONNECTED
    assertThat(listener.skipTo(StatusChanged.class).cause())
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
    fixture.advance(Duration.ofMinutes(10));
    assertThat(fixture.transports.opened()).hasSize(1);
  }

  @Test
  void aFreshTokenTheServerRefusesEndsInTheUsualRejection() {
    List<String> tokens = new ArrayList<>(List.of("old", "new"));
    fixture.builder.tokenSupplier(() -> tokens.size() > 1 ? tokens.remove(0) : tokens.get(0));
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    FakeConnection connection = fixture.transports.last();
    connection.error(null, ErrorCode.TOKEN_REFRESH_REQUIRED);
    fixture.run();

    connection.rejectToken(ErrorCode.TOKEN_INVALID);
    fixture.run();

    assertThat(client.status()).isEqualTo(FAILED);
    assertThat(fixture.transports.opened()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = ErrorCode.class,
      names = {
        "TOKEN_MISSING",
        "TOKEN_MALFORMED",
        "TOKEN_SIGNATURE_INVALID",
        "TOKEN_ISSUER_INVALID",
        "TOKEN_AUDIENCE_INVALID",
        "TOKEN_EXPIRED",
        "TOKEN_INVALID"
      })
  void everyTokenRefusalAsksTheSupplierOnceAndNeverRetriesTheSameToken(ErrorCode code) {
    AtomicInteger asked = new AtomicInteger();
    fixture.builder.tokenSupplier(
        () -> {
          asked.incrementAndGet();
          return "token-1";
        });
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().rejectToken(code);
    fixture.run();
    fixture.advance(Duration.ofMinutes(10));

    assertThat(asked).hasValue(2);
    assertThat(fixture.transports.opened()).hasSize(1);
    assertThat(client.status()).isEqualTo(FAILED);
  }

  @ParameterizedTest
  @EnumSource(
      value = ErrorCode.class,
      names = {
        "TOKEN_MALFORMED",
        "TOKEN_SIGNATURE_INVALID",
        "TOKEN_ISSUER_INVALID",
        "TOKEN_AUDIENCE_INVALID"
      })
  void anErrorFrameWithANewTokenCodeOnAnOpenConnectionIsARejection(ErrorCode code) {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().error(null, code);
    fixture.run();

    assertThat(fixture.transports.last().isClosed()).isTrue();
    assertThat(fixture.transports.opened()).hasSize(1);
    assertThat(client.status()).isEqualTo(FAILED);
  }

  @Test
  void waitsAtLeastTheServersRetryAfterBeforeTheNextRound() {
    fixture.builder.transports(WEBSOCKET, HTTP_LONG_POLL);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();

    fixture.transports.last().busy(Duration.ofSeconds(60));
    fixture.run();

    // The busy server ends the round: the next transport would reach the same server.
    assertThat(fixture.transports.openedKinds()).containsExactly(WEBSOCKET);
    listener.takeStatus(DISCONNECTED, CONNECTING);
    listener.takeStatus(CONNECTING, RECONNECTING);
    assertThat(listener.takeReconnect(1).delay()).isEqualTo(Duration.ofSeconds(60));
    fixture.advance(Duration.ofSeconds(59));
    assertThat(fixture.transports.opened()).hasSize(1);
    fixture.advance(Duration.ofSeconds(1));
    assertThat(fixture.transports.openedKinds()).containsExactly(WEBSOCKET, WEBSOCKET);
    assertThat(client.status()).isEqualTo(RECONNECTING);
  }

  @Test
  void aLostConnectionsRetryAfterIsHonouredButCappedAtFiveMinutes() {
    fixture.transport(SOCKET_IO).script(Script.ACCEPT);
    RealParleyClient client = fixture.start();
    client.connect();
    fixture.run();
    listener.drain();

    fixture.transports.last().busy(Duration.ofHours(2));
    fixture.run();

    listener.takeTransport(SOCKET_IO, null);
    listener.takeStatus(CONNECTED, RECONNECTING);
    assertThat(listener.takeReconnect(1).delay()).isEqualTo(Duration.ofMinutes(5));
    fixture.advance(Duration.ofMinutes(5).minusMillis(1));
    assertThat(fixture.transports.opened()).hasSize(1);
    fixture.advance(Duration.ofMillis(1));
    assertThat(fixture.transports.opened()).hasSize(2);
  }
}
