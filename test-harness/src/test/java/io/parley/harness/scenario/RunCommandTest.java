package io.parley.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.harness.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {

  private final PrintStream out =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void rejectsAnUnknownOptionNamingIt() {
    refused("scenarios/blackhole.yaml", "--port", "1")
        .satisfies(e -> assertThat(((UsageException) e).option()).isEqualTo("--port"));
  }

  @Test
  void needsAScenarioFileThatExists() {
    refused().hasMessageContaining("at least one scenario file");
    refused("scenarios/nope.yaml").hasMessageContaining("no such scenario file");
  }

  @Test
  void reportsABadScenarioFileWithTheFieldAtFault(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "clients: {count: 0}\ntimeline: []\n");

    refused(file.toString()).hasMessageContaining("clients.count");
  }

  @Test
  void refusesToKillAServerItDidNotStartBeforeStartingAnything() {
    refused("scenarios/server-restart.yaml", "--server", "http://127.0.0.1:1")
        .hasMessageContaining("kill_server")
        .hasMessageContaining("without --server");
  }

  @Test
  void refusesSeveralNodesOrRedisAgainstAServerItDidNotStart() {
    refused("scenarios/redis-node-kill.yaml", "--server", "http://127.0.0.1:1")
        .hasMessageContaining("2 node(s) on the redis backplane")
        .hasMessageContaining("without --server");
  }

  @Test
  void rejectsAServerThatIsNotAnHttpUrl() {
    refused("scenarios/blackhole.yaml", "--server", "localhost:8080")
        .satisfies(e -> assertThat(((UsageException) e).option()).isEqualTo("--server"));
  }

  @Test
  void takesATokenOnlyForAnExternalServerAndOnlyOnce(@TempDir Path dir) throws IOException {
    refused("scenarios/blackhole.yaml", "--token", "a.b.c")
        .hasMessageContaining("only with --server");
    Path empty = Files.writeString(dir.resolve("token"), "\n");
    refused(
            "scenarios/blackhole.yaml",
            "--server",
            "http://127.0.0.1:1",
            "--token-file",
            empty.toString())
        .hasMessageContaining("is empty");
    refused("scenarios/blackhole.yaml", "--token", "a.b.c", "--token-file", empty.toString())
        .hasMessageContaining("not both");
  }

  /** Asserts that running with {@code args} is refused as a usage error; more checks chain on. */
  private AbstractThrowableAssert<?, ? extends Throwable> refused(String... args) {
    return assertThatThrownBy(() -> new RunCommand().run(List.of(args), out))
        .isInstanceOf(UsageException.class);
  }
}
