package io.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.ParleyClient;
import io.parley.protocol.time.FakeScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * A client on fake transports and virtual time. Everything the client does happens on the test
 * thread inside {@link #run()} or {@link #advance}: the event loop runs on the {@link
 * FakeScheduler}, and handlers and listeners run inline (a direct listener executor), so a test
 * reads like a script. Not thread-safe.
 */
final class ClientFixture {
  static final long SEED = 42;
  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  final FakeScheduler scheduler = new FakeScheduler();
  final FakeTransports transports = new FakeTransports();
  final RecordingListener listener = new RecordingListener();
  final ParleyClient.Builder builder =
      ParleyClient.builder()
          .serverUrl("http://127.0.0.1:1")
          .clientId("client-1")
          .scheduler(scheduler)
          .listenerExecutor(Runnable::run)
          .random(new SplittableRandom(SEED))
          .clock(Clock.fixed(START, ZoneOffset.UTC))
          // Fake servers send no heartbeat; tests of the watchdog set their own deadline.
          .heartbeatTimeout(Duration.ofHours(1));
  RealParleyClient client;

  RealParleyClient start() {
    client = RealParleyClient.create(builder.options(), transports);
    client.addListener(listener);
    return client;
  }

  FakeTransport transport(io.parley.protocol.Transport kind) {
    return transports.get(kind);
  }

  /** Runs every task due now. */
  void run() {
    scheduler.runDue();
  }

  void advance(Duration duration) {
    scheduler.advance(duration);
  }

  /** Checks that no supervisor task failed. */
  void assertHealthy() {
    if (client != null) {
      assertThat(client.uncaughtFailures()).as("supervisor tasks that threw").isZero();
    }
  }
}
