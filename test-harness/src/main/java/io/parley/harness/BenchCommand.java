package io.parley.harness;

import io.parley.harness.bench.BenchProtocol;
import io.parley.harness.bench.BenchResult;
import io.parley.harness.bench.BenchSettings;
import io.parley.harness.bench.LoadGenerator;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bench}: runs one load-generator scenario against a running server and prints its figures
 * as a JSON line and a table. Not thread-safe (one run, on the main thread).
 */
final class BenchCommand implements Command {
  private static final Set<String> OPTIONS =
      Set.of(
          "--server",
          "--protocol",
          "--scenario",
          "--connections",
          "--rate",
          "--seconds",
          "--warmup",
          "--sources",
          "--server-pid",
          "--seed",
          "--token",
          "--token-file",
          "--payload-bytes",
          "--compression",
          "--dashboards",
          "--publish-server");

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "load a server: connect storm, idle, fan-out or many channels";
  }

  @Override
  public String usage() {
    return """
        usage: parley-harness bench --server URL [options]

          --server URL        the server's HTTP base URL (required), e.g. http://127.0.0.1:8080
          --protocol P        native (/ws) or socket-io (raw Engine.IO framing); default native
          --scenario S        connect, idle, fanout or channels; default fanout
          --connections N     client connections (subscribers); default 1000
          --rate R            messages published per second, 0 = as fast as acks return; default 0
          --seconds S         how long to publish, or to stay idle; default 10
          --warmup S          fanout and channels: publish for S seconds first, at the same
                              rate, and leave them out of latency, rate and CPU (not out of
                              lost and duplicated); default 0
          --sources A         loopback source addresses: 127.0.0.1 or a range 127.0.0.1-4;
                              about 28,000 connections each; default 127.0.0.1
          --server-pid PID    the server's process id, for its CPU and memory figures (and,
                              when it is a JVM, its live heap in idle, through jcmd)
          --seed N            seeds the spread of publishes across channels; default 1
          --token JWT         the token every connection presents; Parley requires one that may
                              subscribe and publish on bench:* (the dev profile's token does)
          --token-file FILE   the same, read from FILE (bin/parley-server writes
                              server/target/dev-token); the benchmark peers need neither
          --payload-bytes N   pad each published message's data with about N bytes of JSON
                              (a string below 256, else an array of records); default 0
          --compression on|off  offer permessage-deflate in every handshake; default off.
                              Fan-out and channels report wireBytesPerDelivery: the bytes the
                              connections read off their sockets while measuring, per delivery
          --dashboards N      hold N admin dashboards open on the live feed
                              (/realtime/admin/live) for the run, reading all they are sent;
                              the token must carry the admin group (the dev token does);
                              default 0
          --publish-server URL  fanout and channels: connect the publisher to this node
                              instead of --server (another node of the same cluster), to
                              measure delivery across nodes; an http://HOST:PORT URL;
                              default the --server URL

        example:
          parley-harness bench --server http://127.0.0.1:8080 --scenario fanout \\
              --connections 1000 --rate 10 --seconds 30 --warmup 10 --server-pid 4242 \\
              --token-file server/target/dev-token
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out) throws Exception {
    Options options = new Options(args, OPTIONS);
    if (!options.has("--server")) {
      throw new UsageException("--server", "required");
    }
    int dashboards = (int) atLeast(options, "--dashboards", 0, 0);
    if (dashboards > 0 && !options.has("--token") && !options.has("--token-file")) {
      throw new UsageException(
          "--dashboards", "needs --token or --token-file with the admin group");
    }
    BenchSettings.Scenario scenario =
        choose(BenchSettings.Scenario.class, "--scenario", options.string("--scenario", "fanout"));
    URI publishServer = publishServer(options, scenario);
    BenchSettings settings =
        new BenchSettings(
            URI.create(options.string("--server", null)),
            choose(BenchProtocol.class, "--protocol", options.string("--protocol", "native")),
            scenario,
            (int) atLeast(options, "--connections", 1000, 1),
            (int) options.number("--rate", 0),
            Duration.ofSeconds(atLeast(options, "--seconds", 10, 1)),
            Duration.ofSeconds(atLeast(options, "--warmup", 0, 0)),
            sources(options.string("--sources", "127.0.0.1")),
            options.number("--server-pid", -1),
            options.number("--seed", 1),
            TokenOption.of(options.string("--token", null), options.string("--token-file", null)),
            (int) atLeast(options, "--payload-bytes", 0, 0),
            onOff(options.string("--compression", "off")),
            dashboards,
            publishServer);
    try (LoadGenerator generator = new LoadGenerator(settings)) {
      BenchResult result = generator.run();
      out.println(result.toJsonLine());
      out.print(result.toTable());
    }
    return 0;
  }

  /**
   * The {@code --publish-server} URL, or null without one; only fan-out and channels publish, and
   * the generator connects by host and port, so the URL must name both.
   */
  private static URI publishServer(Options options, BenchSettings.Scenario scenario) {
    if (!options.has("--publish-server")) {
      return null;
    }
    if (scenario != BenchSettings.Scenario.FANOUT && scenario != BenchSettings.Scenario.CHANNELS) {
      throw new UsageException(
          "--publish-server",
          "only fanout and channels publish, but the scenario is "
              + scenario.name().toLowerCase(Locale.ROOT));
    }
    String text = options.string("--publish-server", null);
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || !"http".equals(uri.getScheme())
        || uri.getHost() == null
        || uri.getPort() < 0) {
      throw new UsageException(
          "--publish-server", "expected an http://HOST:PORT URL but was '" + text + "'");
    }
    return uri;
  }

  private static boolean onOff(String text) {
    return switch (text) {
      case "on" -> true;
      case "off" -> false;
      default ->
          throw new UsageException("--compression", "expected on or off but was '" + text + "'");
    };
  }

  private static long atLeast(Options options, String name, long fallback, long min) {
    long value = options.number(name, fallback);
    if (value < min) {
      throw new UsageException(name, "expected a number of at least " + min + " but was " + value);
    }
    return value;
  }

  private static <E extends Enum<E>> E choose(Class<E> type, String option, String text) {
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E value : type.getEnumConstants()) {
        names.add(value.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      throw new UsageException(option, "expected one of " + names + " but was '" + text + "'");
    }
  }

  /** {@code 127.0.0.1} or {@code 127.0.0.1-4} (last octet range). */
  static List<String> sources(String text) {
    int dash = text.indexOf('-');
    if (dash < 0) {
      return List.of(text);
    }
    String first = text.substring(0, dash);
    int lastDot = first.lastIndexOf('.');
    try {
      int from = Integer.parseInt(first.substring(lastDot + 1));
      int to = Integer.parseInt(text.substring(dash + 1));
      if (to < from || to > 255) {
        throw new UsageException("--sources", "range must run upward within 0-255: " + text);
      }
      List<String> addresses = new ArrayList<>();
      for (int octet = from; octet <= to; octet++) {
        addresses.add(first.substring(0, lastDot + 1) + octet);
      }
      return addresses;
    } catch (NumberFormatException e) {
      throw new UsageException("--sources", "expected 127.0.0.1 or 127.0.0.1-4 but was " + text);
    }
  }
}
