package io.parley.harness;

import io.parley.harness.proxy.ControlServer;
import io.parley.harness.proxy.FaultProxy;
import io.parley.harness.proxy.HostPort;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Not thread-safe (run once): the {@code proxy} command, which serves the fault proxy control API
 * and, given {@code --upstream}, one proxy.
 */
public final class ProxyCommand implements Command {

  private static final Set<String> OPTIONS =
      Set.of("--control", "--listen", "--upstream", "--name", "--seed");

  @Override
  public String name() {
    return "proxy";
  }

  @Override
  public String summary() {
    return "serve the fault proxy control API, optionally with one proxy";
  }

  @Override
  public String usage() {
    return """
        usage: parley-harness proxy [options]

          --control HOST:PORT   control API address (default 127.0.0.1:%d)
          --upstream HOST:PORT  also start a proxy to this server
          --listen HOST:PORT    where that proxy listens (default 127.0.0.1:0, an ephemeral port)
          --name NAME           that proxy's name (default parley)
          --seed N              seed of every random choice (default 0)

        Prints the addresses, then serves until the process is stopped (Ctrl-C).
        example: parley-harness proxy --upstream 127.0.0.1:8080 --listen 127.0.0.1:18080
        """
        .formatted(ControlServer.DEFAULT_PORT);
  }

  @Override
  public int run(List<String> args, PrintStream out) throws InterruptedException {
    ControlServer control = start(args, out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  control.close();
                  stopped.countDown();
                },
                "parley-harness-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Starts what {@code args} ask for and prints one line per listener:
   *
   * <pre>
   * control 127.0.0.1:8474
   * proxy parley 127.0.0.1:40123 -&gt; 127.0.0.1:8080
   * seed 0
   * </pre>
   *
   * @return the running control server; the caller closes it
   * @throws UsageException for bad arguments or an address that cannot be bound
   */
  public ControlServer start(List<String> args, PrintStream out) {
    // Check every argument before binding anything, so a mistake leaves nothing running.
    Options options = new Options(args, OPTIONS);
    HostPort controlAddress =
        options.hostPort("--control", "127.0.0.1:" + ControlServer.DEFAULT_PORT);
    long seed = options.number("--seed", 0);
    if (!options.has("--upstream") && (options.has("--listen") || options.has("--name"))) {
      throw new UsageException(
          options.has("--listen") ? "--listen" : "--name", "only meaningful with --upstream");
    }
    InetSocketAddress controlSocket = resolve(controlAddress, "--control");
    HostPort upstream = null;
    HostPort listen = null;
    String name = options.string("--name", "parley");
    if (options.has("--upstream")) {
      upstream = options.hostPort("--upstream", null);
      listen = options.hostPort("--listen", "127.0.0.1:0");
      resolve(upstream, "--upstream");
      resolve(listen, "--listen");
      if (upstream.port() == 0) {
        throw new UsageException("--upstream", "expected a port from 1 to 65535");
      }
    }

    ControlServer control;
    try {
      control = ControlServer.start(controlSocket, seed);
    } catch (UncheckedIOException e) {
      throw new UsageException("--control", e.getMessage() + ": " + e.getCause().getMessage());
    }
    if (upstream != null) {
      try {
        FaultProxy proxy = control.createProxy(name, listen, upstream, true);
        out.println("control " + HostPort.of(control.address()));
        out.println("proxy " + name + " " + HostPort.of(proxy.listenAddress()) + " -> " + upstream);
      } catch (IllegalArgumentException e) {
        control.close();
        throw new UsageException("--name", e.getMessage());
      } catch (UncheckedIOException e) {
        control.close();
        throw new UsageException("--listen", e.getMessage() + ": " + e.getCause().getMessage());
      }
    } else {
      out.println("control " + HostPort.of(control.address()));
    }
    out.println("seed " + seed);
    out.flush();
    return control;
  }

  private static InetSocketAddress resolve(HostPort address, String option) {
    InetSocketAddress socket = address.toSocketAddress();
    if (socket.isUnresolved()) {
      throw new UsageException(option, "cannot resolve host '" + address.host() + "'");
    }
    return socket;
  }
}
