package io.parley.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The committed inputs of a Jazzer fuzz test, for the tests that send them to a running server (a
 * {@code @QuarkusTest} cannot be a {@code @FuzzTest}). Stateless.
 */
public final class FuzzInputs {
  private FuzzInputs() {}

  /**
   * The files of {@code <FuzzTest>Inputs/<method>/} next to {@code fuzzTest} in the test resources,
   * in name order: where Jazzer reads a fuzz test's inputs in regression mode.
   *
   * @throws IllegalStateException when the directory is missing or empty
   */
  public static List<byte[]> of(Class<?> fuzzTest, String method) {
    String directory = fuzzTest.getSimpleName() + "Inputs/" + method;
    URL url = fuzzTest.getResource(directory);
    if (url == null) {
      throw new IllegalStateException("no inputs directory " + directory);
    }
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      List<byte[]> inputs = files.sorted().map(FuzzInputs::read).toList();
      if (inputs.isEmpty()) {
        throw new IllegalStateException("no inputs in " + directory);
      }
      return inputs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
