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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {

  private final PrintStream out =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void rejectsAnUnknownOptionNamingIt() {
    assertThatThrownBy(
            () -> new RunCommand().run(List.of("scenarios/blackhole.yaml", "--port", "1"), out))
        .isInstanceOf(UsageException.class)
        .satisfies(e -> assertThat(((UsageException) e).option()).isEqualTo("--port"));
  }

  @Test
  void needsAScenarioFileThatExists() {
    assertThatThrownBy(() -> new RunCommand().run(List.of(), out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at least one scenario file");
    assertThatThrownBy(() -> new RunCommand().run(List.of("scenarios/nope.yaml"), out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("no such scenario file");
  }

  @Test
  void reportsABadScenarioFileWithTheFieldAtFault(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "clients: {count: 0}\ntimeline: []\n");

    assertThatThrownBy(() -> new RunCommand().run(List.of(file.toString()), out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("clients.count");
  }

  @Test
  void refusesToKillAServerItDidNotStartBeforeStartingAnything() {
    assertThatThrownBy(
            () ->
                new RunCommand()
                    .run(
                        List.of("scenarios/server-restart.yaml", "--server", "http://127.0.0.1:1"),
                        out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("kill_server")
        .hasMessageContaining("without --server");
  }

  @Test
  void rejectsAServerThatIsNotAnHttpUrl() {
    assertThatThrownBy(
            () ->
                new RunCommand()
                    .run(List.of("scenarios/blackhole.yaml", "--server", "localhost:8080"), out))
        .isInstanceOf(UsageException.class)
        .satisfies(e -> assertThat(((UsageException) e).option()).isEqualTo("--server"));
  }

  @Test
  void takesATokenOnlyForAnExternalServerAndOnlyOnce(@TempDir Path dir) throws IOException {
    assertThatThrownBy(
            () ->
                new RunCommand().run(List.of("scenarios/blackhole.yaml", "--token", "a.b.c"), out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("only with --server");
    Path empty = Files.writeString(dir.resolve("token"), "\n");
    assertThatThrownBy(
            () ->
                new RunCommand()
                    .run(
                        List.of(
                            "scenarios/blackhole.yaml",
                            "--server",
                            "http://127.0.0.1:1",
                            "--token-file",
                            empty.toString()),
                        out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("is empty");
    assertThatThrownBy(
            () ->
                new RunCommand()
                    .run(
                        List.of(
                            "scenarios/blackhole.yaml",
                            "--token",
                            "a.b.c",
                            "--token-file",
                            empty.toString()),
                        out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("not both");
  }
}
