package io.parley.harness.server;

import io.parley.harness.auth.TestIssuer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Parley server running as a separate JVM from its built jar, as an operator would run it: the
 * harness reaches it only over the network, and can stop it gracefully, kill it, and start it again
 * on the same port. The first start binds an ephemeral loopback port. It runs in the production
 * profile and verifies tokens from a {@link TestIssuer} ({@link #issuer()}), one per server (made
 * by the builder unless given), so tokens stay valid across restarts. Thread-safe.
 */
public final class ServerProcess implements AutoCloseable {
  /** System property naming the server jar ({@code server/target/quarkus-app/quarkus-run.jar}). */
  public static final String JAR_PROPERTY = "parley.server.jar";

  private static final Pattern LISTENING = Pattern.compile("Listening on: https?://[^:]+:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int LOG_LINES_KEPT = 400;

  private final Path jar;
  private final TestIssuer issuer;
  private final Map<String, String> properties;
  private final List<String> jvmOptions;
  private final ArrayDeque<String> log = new ArrayDeque<>();
  private Process process;
  private int port;

  private ServerProcess(
      Path jar, TestIssuer issuer, Map<String, String> properties, List<String> jvmOptions) {
    this.jar = jar;
    this.issuer = issuer;
    this.properties = properties;
    this.jvmOptions = jvmOptions;
  }

  /** A builder for a server from the jar named by {@value #JAR_PROPERTY}, or found upward. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the server and waits until it listens. The first start takes an ephemeral port; later
   * starts reuse it, so clients reconnect to the same address after a restart.
   *
   * @throws IllegalStateException when it does not start within a minute, with its last output
   */
  public synchronized ServerProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running on port " + port);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + port);
    command.addAll(issuer.jvmArgs());
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar.toString());
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    Process started = process;
    Thread reader = new Thread(() -> pump(started, listening), "parley-server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      port = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new IllegalStateException("interrupted while the server started", e);
    } catch (ExecutionException | TimeoutException e) {
      kill();
      throw new IllegalStateException(
          "the server did not start within " + START_TIMEOUT + "; its output:\n" + recentLog(), e);
    }
    return this;
  }

  /** The token authority this server trusts: mint the tokens of its clients here. */
  public TestIssuer issuer() {
    return issuer;
  }

  /** The HTTP base URL, ending in {@code /}. */
  public synchronized String baseUrl() {
    return "http://127.0.0.1:" + port + "/";
  }

  /** The port the server listens on (0 before the first start). */
  public synchronized int port() {
    return port;
  }

  /** The operating system's id of the server process, for CPU and memory figures. */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("not started");
    }
    return process.pid();
  }

  /** Whether the server process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the server as an operator would (SIGTERM), and waits for it to exit. */
  public synchronized void stop() {
    end(false);
  }

  /** Kills the server (SIGKILL), as a crash would, and waits for it to exit. */
  public synchronized void kill() {
    end(true);
  }

  /** Kills the server and starts it again on the same port. */
  public synchronized ServerProcess restart() {
    kill();
    return start();
  }

  /** The server's most recent output lines, for failure messages. */
  public String recentLog() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  @Override
  public void close() {
    kill();
  }

  private void end(boolean forcibly) {
    if (process == null) {
      return;
    }
    if (forcibly) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the server stopped", e);
    }
  }

  private void pump(Process source, CompletableFuture<Integer> listening) {
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
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          listening.complete(Integer.parseInt(matcher.group(1)));
        }
      }
      listening.completeExceptionally(new IllegalStateException("the server exited"));
    } catch (IOException e) {
      listening.completeExceptionally(e);
    }
  }

  /** Settings for a {@link ServerProcess}. Not thread-safe. */
  public static final class Builder {
    private Path jar;
    private TestIssuer issuer;
    // A SIGTERM drains the node first (docs/operations.md); scenarios restart servers with clients
    // connected, so the drain's deadline is short here, not the production 30 s.
    private final Map<String, String> properties =
        new LinkedHashMap<>(Map.of("realtime.drain.deadline", "1s"));
    private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx256m"));

    private Builder() {}

    /** The server jar; defaults to {@value #JAR_PROPERTY}, else found above the working dir. */
    public Builder jar(Path jar) {
      this.jar = Objects.requireNonNull(jar, "jar");
      return this;
    }

    /**
     * The token authority the server trusts; by default a new one. Give the same issuer to servers
     * that must accept the same tokens.
     */
    public Builder issuer(TestIssuer issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /**
     * A configuration property, such as {@code realtime.history.size}; it may override the issuer's
     * {@code mp.jwt.verify.*} settings.
     */
    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /** An extra JVM option, such as {@code -Xmx512m}. */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /** A server process, not yet started. */
    public ServerProcess build() {
      return new ServerProcess(
          jar != null ? jar : locateJar(),
          issuer != null ? issuer : TestIssuer.create(),
          Map.copyOf(properties),
          List.copyOf(jvmOptions));
    }

    private static Path locateJar() {
      String configured = System.getProperty(JAR_PROPERTY);
      if (configured != null) {
        return requireFile(Path.of(configured));
      }
      Path relative = Path.of("server", "target", "quarkus-app", "quarkus-run.jar");
      for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(relative))) {
          return dir.resolve(relative);
        }
      }
      throw new IllegalStateException(
          "no server jar: build it with ./mvnw -pl server -am package, or set -D" + JAR_PROPERTY);
    }

    private static Path requireFile(Path jar) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            "server jar " + jar + " does not exist: build it with ./mvnw -pl server -am package");
      }
      return jar;
    }
  }
}
