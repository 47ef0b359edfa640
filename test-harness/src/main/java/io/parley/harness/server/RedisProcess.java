package io.parley.harness.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A {@code redis-server} of the harness's own, on a loopback port, with no persistence of its own
 * ({@code --save "" --appendonly no}) and its working directory in a fresh temporary folder, so
 * that tests may stop, kill and restart it without touching any other Redis. Thread-safe.
 *
 * <p>{@link #stop()} shuts it down with {@code SHUTDOWN SAVE}, which writes its data to the folder
 * even with no save points, and the next {@link #start()} loads it: Redis down for a while, data
 * kept. {@link #kill()} kills it and removes that file: the next start is empty, as a Redis without
 * persistence comes back after a crash. {@link #close()} kills it and deletes the folder.
 */
public final class RedisProcess implements AutoCloseable {

  /** System property naming the {@code redis-server} executable; default: found on the PATH. */
  public static final String EXECUTABLE_PROPERTY = "parley.redis.server";

  private static final String DUMP = "dump.rdb";
  private static final String READY = "Ready to accept connections";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final int LOG_LINES_KEPT = 100;
  private static final int PORT_ATTEMPTS = 5;

  private final String executable;
  private final Path dir;
  private final ArrayDeque<String> log = new ArrayDeque<>();
  private Process process;
  private int port;

  private RedisProcess(String executable, Path dir) {
    this.executable = executable;
    this.dir = dir;
  }

  /**
   * A Redis not started yet, with a new temporary folder.
   *
   * @throws UncheckedIOException when the folder cannot be made
   */
  public static RedisProcess create() {
    try {
      return new RedisProcess(
          System.getProperty(EXECUTABLE_PROPERTY, "redis-server"),
          Files.createTempDirectory("parley-redis-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a folder for Redis", e);
    }
  }

  /**
   * Starts Redis and waits until it accepts connections. The first start takes a free ephemeral
   * port (Redis cannot pick one itself: port 0 turns TCP off, so a free port is found and a start
   * that loses it to another process is tried again on another); later starts reuse it and load
   * what {@link #stop()} saved.
   *
   * @throws IllegalStateException when it is running, or does not start, with its last output
   */
  public synchronized RedisProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("Redis already running on port " + port);
    }
    if (port != 0) {
      launch(port);
      return this;
    }
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      int candidate = freePort();
      try {
        launch(candidate);
        port = candidate;
        return this;
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The port (0 before the first start). */
  public synchronized int port() {
    return port;
  }

  /** The URL for {@code quarkus.redis.hosts}: {@code redis://127.0.0.1:<port>}. */
  public synchronized String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Whether the Redis process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Shuts Redis down with {@code SHUTDOWN SAVE} and waits for it to exit: its data is on disk and
   * the next {@link #start()} loads it. Does nothing when it is not running.
   *
   * @throws IllegalStateException when Redis refuses or does not exit in time
   */
  public synchronized void stop() {
    if (!isRunning()) {
      return;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      socket.setSoTimeout((int) STOP_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write("*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // On success Redis closes the connection without a reply; an error is a "-ERR ..." line.
      String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (reply.startsWith("-")) {
        throw new IllegalStateException("Redis refused SHUTDOWN SAVE: " + reply.strip());
      }
    } catch (IOException e) {
      // A reset while it exits is fine; whether it exited is checked below.
    }
    awaitExit();
  }

  /**
   * Kills Redis (SIGKILL) and deletes what an earlier {@link #stop()} saved: the next {@link
   * #start()} is empty. Does nothing to a Redis that is not running but the deletion.
   */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      awaitExit();
    }
    try {
      Files.deleteIfExists(dir.resolve(DUMP));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir.resolve(DUMP), e);
    }
  }

  /** Redis' most recent output lines, for failure messages. */
  public String recentLog() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  /** Kills Redis and deletes its folder. */
  @Override
  public synchronized void close() {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private void launch(int onPort) {
    List<String> command =
        List.of(
            executable,
            "--port",
            Integer.toString(onPort),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString(),
            "--dbfilename",
            DUMP);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start "
              + executable
              + ": install Redis 7 or set -D"
              + EXECUTABLE_PROPERTY
              + " to its redis-server",
          e);
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process started = process;
    Thread reader = new Thread(() -> pump(started, ready), "parley-redis-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while Redis started", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      awaitExit();
      throw new IllegalStateException(
          "Redis did not start on port " + onPort + "; its output:\n" + recentLog(), e);
    }
  }

  private void awaitExit() {
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        throw new IllegalStateException("Redis did not exit within " + STOP_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while Redis stopped", e);
    }
  }

  private void pump(Process source, CompletableFuture<Void> ready) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(source.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        synchronized (log) {
          log.addLast(line);
          if (log.size() > LOG_LINES_KEPT) {
            log.removeFirst();
          }
        }
        if (line.contains(READY)) {
          ready.complete(null);
        }
      }
      ready.completeExceptionally(new IllegalStateException("Redis exited"));
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** For messages. */
  @Override
  public String toString() {
    return "redis " + url() + " in " + dir;
  }
}
