package io.parley.harness.scenario;

/**
 * Immutable and thread-safe: a scenario file that cannot be used, naming the field at fault (a path
 * such as {@code timeline[3].fault.attributes.latency_ms}) and what was expected.
 */
public final class ScenarioException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the path of the field at fault, or null when no single field is
   * @param message what was wrong and what was expected
   */
  public ScenarioException(String field, String message) {
    super(field == null ? message : field + ": " + message);
    this.field = field;
  }

  /** The path of the field at fault, or null. */
  public String field() {
    return field;
  }
}
