package io.parley.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code --token JWT} and {@code --token-file FILE} options of the commands that talk to a
 * running server: at most one of them, the file holding the token alone (surrounding whitespace is
 * ignored), as {@code bin/parley-server} writes {@code server/target/dev-token}. Stateless.
 */
public final class TokenOption {
  /** Longest token file read: a JWT is a few kilobytes at most. */
  private static final long MAX_FILE_BYTES = 64 * 1024;

  private TokenOption() {}

  /**
   * The token the options name.
   *
   * @param token the value of {@code --token}, or null
   * @param file the value of {@code --token-file}, or null
   * @return the token, or null when neither option was given
   * @throws UsageException when both are given, or the file cannot be read or is empty
   */
  public static String of(String token, String file) {
    if (token != null && file != null) {
      throw new UsageException("--token", "give --token or --token-file, not both");
    }
    if (token != null) {
      if (token.isBlank()) {
        throw new UsageException("--token", "empty token");
      }
      return token.strip();
    }
    if (file == null) {
      return null;
    }
    Path path = Path.of(file);
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw new UsageException(
            "--token-file", file + " is larger than " + MAX_FILE_BYTES + " bytes: not a token");
      }
      String read = Files.readString(path, StandardCharsets.UTF_8).strip();
      if (read.isEmpty()) {
        throw new UsageException("--token-file", file + " is empty");
      }
      return read;
    } catch (IOException e) {
      throw new UsageException("--token-file", "cannot read " + file + ": " + e);
    }
  }
}
