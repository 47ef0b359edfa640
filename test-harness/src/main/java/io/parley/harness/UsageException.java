package io.parley.harness;

/**
 * Immutable and thread-safe: command-line arguments that a {@link Command} cannot use, naming the
 * option at fault and what it expected.
 */
public final class UsageException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String option;

  /**
   * @param option the option at fault, such as {@code --listen}; null when no single one is
   * @param message what was wrong and what was expected
   */
  public UsageException(String option, String message) {
    super(option == null ? message : option + ": " + message);
    this.option = option;
  }

  /** The option at fault, or null. */
  public String option() {
    return option;
  }
}
