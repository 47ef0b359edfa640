package io.parley.harness.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one load-generator run does. Immutable and thread-safe.
 *
 * @param server the server's HTTP base URL, e.g. {@code http://127.0.0.1:8080}
 * @param protocol the wire the connections speak
 * @param scenario what to measure
 * @param connections how many client connections (subscribers; fan-out adds one publisher)
 * @param ratePerSecond messages published per second; 0 publishes as fast as acks return
 * @param duration how long to publish (fan-out, channels) or to stay idle (idle)
 * @param warmup how long to publish before {@code duration} in fan-out and channels, at the same
 *     rate: its deliveries count towards lost and duplicated, but not towards latency, rate or CPU
 *     (a JVM server runs its first messages in the interpreter); zero for none
 * @param sourceAddresses loopback addresses to connect from, each good for about 28,000 connections
 *     to one server port (e.g. 127.0.0.1 to 127.0.0.4 for 100,000)
 * @param serverPid the server's process id for CPU and memory figures, or -1 when unknown
 * @param seed seeds the spread of publishes across channels
 * @param token the JWT every connection presents (the native hello's {@code token}, the Socket.IO
 *     CONNECT auth's {@code token}); it must allow subscribing and publishing on the benchmark's
 *     channels ({@code bench:*}). Null for none: the benchmark peers take no token.
 * @param payloadBytes about how many bytes of padding each published message carries in its data
 *     ({@link BenchPayload}); 0 for none (a message of about 150 bytes on the wire)
 * @param compression whether the connections offer permessage-deflate in their handshake
 * @param dashboards admin dashboards to hold open on the live feed for the run ({@code
 *     /realtime/admin/live}, with {@code token}, which must then carry the admin group); 0 for none
 * @param publishServer the HTTP base URL the publisher connects to in fan-out and channels: another
 *     node of the same cluster, to measure delivery across nodes; equal to {@code server} when the
 *     publisher shares the subscribers' node. Null means {@code server}.
 */
public record BenchSettings(
    URI server,
    BenchProtocol protocol,
    Scenario scenario,
    int connections,
    int ratePerSecond,
    Duration duration,
    Duration warmup,
    List<String> sourceAddresses,
    long serverPid,
    long seed,
    String token,
    int payloadBytes,
    boolean compression,
    int dashboards,
    URI publishServer) {

  /** The scenarios the load generator runs. */
  public enum Scenario {
    /** Open the connections as fast as the server accepts them: rate and handshake latency. */
    CONNECT,
    /** Hold the connections idle: memory and CPU per idle connection. */
    IDLE,
    /** One publisher, every connection subscribed to one channel: delivery rate, latency, CPU. */
    FANOUT,
    /** Every connection on its own channel, publishes spread across them (notifications). */
    CHANNELS
  }

  public BenchSettings {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(warmup, "warmup");
    if (publishServer == null) {
      publishServer = server;
    }
    sourceAddresses = List.copyOf(sourceAddresses);
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be >= 1 but was " + connections);
    }
    if (ratePerSecond < 0) {
      throw new IllegalArgumentException("ratePerSecond must be >= 0 but was " + ratePerSecond);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must not be negative but was " + warmup);
    }
    if (payloadBytes < 0) {
      throw new IllegalArgumentException("payloadBytes must be >= 0 but was " + payloadBytes);
    }
    if (dashboards < 0) {
      throw new IllegalArgumentException("dashboards must be >= 0 but was " + dashboards);
    }
    if (dashboards > 0 && token == null) {
      throw new IllegalArgumentException(
          "dashboards need a token with the admin group, but no token was given");
    }
    if (sourceAddresses.isEmpty()) {
      throw new IllegalArgumentException("sourceAddresses must name at least one address");
    }
  }
}
