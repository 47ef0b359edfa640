package io.parley.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.harness.proxy.ControlServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HarnessCliTest {

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  @Test
  void proxyPrintsItsPortsAndForwards() throws IOException {
    try (ServerSocket upstream = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ControlServer control =
            new ProxyCommand()
                .start(
                    List.of(
                        "--control", "127.0.0.1:0",
                        "--upstream", "127.0.0.1:" + upstream.getLocalPort(),
                        "--name", "cli",
                        "--seed", "9"),
                    out)) {
      String printed = outBytes.toString(StandardCharsets.UTF_8);
      assertThat(printed).contains("control 127.0.0.1:" + control.port() + "\n", "seed 9\n");
      Matcher proxyLine =
          Pattern.compile("proxy cli 127\\.0\\.0\\.1:(\\d+) -> 127\\.0\\.0\\.1:(\\d+)")
              .matcher(printed);
      assertThat(proxyLine.find()).isTrue();
      int port = Integer.parseInt(proxyLine.group(1));
      assertThat(control.proxy("cli").orElseThrow().port()).isEqualTo(port);

      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
          Socket server = upstream.accept()) {
        server.setSoTimeout(10_000);
        OutputStream toProxy = client.getOutputStream();
        toProxy.write("via cli".getBytes(StandardCharsets.UTF_8));
        toProxy.flush();
        InputStream atServer = server.getInputStream();
        assertThat(new String(atServer.readNBytes(7), StandardCharsets.UTF_8)).isEqualTo("via cli");
      }
    }
  }

  @Test
  void proxyWithoutUpstreamServesOnlyTheControlApi() {
    try (ControlServer control =
        new ProxyCommand().start(List.of("--control", "127.0.0.1:0"), out)) {
      assertThat(control.proxies()).isEmpty();
      assertThat(outBytes.toString(StandardCharsets.UTF_8)).doesNotContain("proxy ");
    }
  }

  @Test
  void rejectsAnUnknownOptionNamingIt() {
    assertThatThrownBy(() -> new ProxyCommand().start(List.of("--port", "1"), out))
        .isInstanceOf(UsageException.class)
        .satisfies(e -> assertThat(((UsageException) e).option()).isEqualTo("--port"));
  }

  @Test
  void rejectsAnAddressWithoutPortBeforeStartingAnything() {
    assertThatThrownBy(
            () ->
                new ProxyCommand()
                    .start(List.of("--control", "127.0.0.1:0", "--upstream", "localhost"), out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--upstream")
        .hasMessageContaining("host:port");
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void rejectsATakenListenPortAndStopsTheControlApi() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String listen = "127.0.0.1:" + taken.getLocalPort();

      assertThatThrownBy(
              () ->
                  new ProxyCommand()
                      .start(
                          List.of(
                              "--control", "127.0.0.1:0",
                              "--upstream", "127.0.0.1:1",
                              "--listen", listen),
                          out))
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("--listen");
      assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }
  }

  @Test
  void rejectsListenWithoutUpstream() {
    assertThatThrownBy(() -> new ProxyCommand().start(List.of("--listen", "127.0.0.1:0"), out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--upstream");
  }

  @Test
  void rejectsASeedThatIsNotANumber() {
    assertThatThrownBy(() -> new ProxyCommand().start(List.of("--seed", "abc"), out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--seed");
  }

  @Test
  void exitsWithUsageStatusAndHelpForAnUnknownCommand() {
    int status = HarnessCli.run(List.of("fly"), out, err);

    assertThat(status).isEqualTo(HarnessCli.EXIT_USAGE);
    assertThat(errBytes.toString(StandardCharsets.UTF_8))
        .contains("unknown command 'fly'")
        .contains("proxy");
  }

  @Test
  void exitsWithUsageStatusForBadOptions() {
    int status = HarnessCli.run(List.of("proxy", "--seed"), out, err);

    assertThat(status).isEqualTo(HarnessCli.EXIT_USAGE);
    assertThat(errBytes.toString(StandardCharsets.UTF_8))
        .contains("--seed: missing value")
        .contains("usage: parley-harness proxy");
  }

  @Test
  void printsACommandsHelp() {
    int status = HarnessCli.run(List.of("help", "proxy"), out, err);

    assertThat(status).isZero();
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("--upstream HOST:PORT");
  }

  @ParameterizedTest
  @CsvSource({
    "--warmup, -1, at least 0",
    "--payload-bytes, -5, at least 0",
    "--compression, yes, expected on or off but was 'yes'"
  })
  void benchRejectsABadOptionNamingIt(String option, String value, String expected) {
    assertThatThrownBy(
            () ->
                new BenchCommand()
                    .run(List.of("--server", "http://127.0.0.1:1", option, value), out))
        .isInstanceOf(UsageException.class)
        .satisfies(e -> assertThat(((UsageException) e).option()).isEqualTo(option))
        .hasMessageContaining(expected);
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "fanout, 127.0.0.1:8081, expected an http://HOST:PORT URL but was '127.0.0.1:8081'",
    "fanout, http://127.0.0.1, expected an http://HOST:PORT URL but was 'http://127.0.0.1'",
    "channels, ws://127.0.0.1:8081, expected an http://HOST:PORT URL",
    "idle, http://127.0.0.1:8081, only fanout and channels publish, but the scenario is idle"
  })
  void benchRejectsABadPublishServerNamingIt(String scenario, String url, String expected) {
    assertThatThrownBy(
            () ->
                new BenchCommand()
                    .run(
                        List.of(
                            "--server", "http://127.0.0.1:1",
                            "--scenario", scenario,
                            "--publish-server", url),
                        out))
        .isInstanceOf(UsageException.class)
        .satisfies(e -> assertThat(((UsageException) e).option()).isEqualTo("--publish-server"))
        .hasMessageContaining(expected);
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
