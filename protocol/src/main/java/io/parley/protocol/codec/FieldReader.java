package io.parley.protocol.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.parley.protocol.ChannelName;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;

/**
 * Reads typed fields out of one JSON object and rejects what does not fit with a {@link
 * FrameDecodeException} naming the field and what was expected. Field names in errors are paths
 * relative to the frame, such as {@code since.seq}. Not thread-safe; use one per object.
 */
public final class FieldReader {
  private final JsonNode object;
  private final String prefix;
  private final String requestId;

  private FieldReader(JsonNode object, String prefix, String requestId) {
    this.object = object;
    this.prefix = prefix;
    this.requestId = requestId;
  }

  /**
   * A reader over {@code node}, which must be a JSON object.
   *
   * @throws FrameDecodeException with {@link ErrorCode#BAD_JSON} when it is not an object
   */
  public static FieldReader of(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new FrameDecodeException(
          ErrorCode.BAD_JSON, null, null, "expected a JSON object but got " + describe(node));
    }
    JsonNode id = node.get("id");
    return new FieldReader(node, "", id != null && id.isTextual() ? id.textValue() : null);
  }

  /** The request id, if the object has a textual {@code id}; otherwise {@code null}. */
  public String requestId() {
    return requestId;
  }

  /** A required string of 1 to {@code maxLength} characters. */
  public String requiredString(String name, int maxLength) {
    String value = optionalString(name, maxLength);
    if (value == null) {
      throw missing(name, "a string");
    }
    return value;
  }

  /** An optional string of 1 to {@code maxLength} characters; {@code null} when absent or null. */
  public String optionalString(String name, int maxLength) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw invalid(name, "a string but got " + describe(node));
    }
    String value = node.textValue();
    if (value.isEmpty() || value.length() > maxLength) {
      throw invalid(
          name, "a string of 1 to " + maxLength + " characters but got " + value.length());
    }
    return value;
  }

  /** A required channel name. */
  public String channel(String name) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      throw missing(name, "a channel name");
    }
    String problem =
        node.isTextual()
            ? ChannelName.problem(node.textValue()).orElse(null)
            : "was " + describe(node);
    if (problem != null) {
      throw new FrameDecodeException(
          ErrorCode.INVALID_CHANNEL,
          path(name),
          requestId,
          path(name) + " must be " + ChannelName.rule() + " but " + problem);
    }
    return node.textValue();
  }

  /** A required boolean: JSON {@code true} or {@code false}. */
  public boolean requiredBoolean(String name) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      throw missing(name, "true or false");
    }
    if (!node.isBoolean()) {
      throw invalid(name, "true or false but got " + describe(node));
    }
    return node.booleanValue();
  }

  /** A required integer in {@code [min, max]}. */
  public long requiredLong(String name, long min, long max) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      throw missing(name, "an integer");
    }
    return longValue(name, node, min, max);
  }

  /** An optional integer in {@code [min, max]}; {@code fallback} when absent or null. */
  public long optionalLong(String name, long min, long max, long fallback) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      return fallback;
    }
    return longValue(name, node, min, max);
  }

  /**
   * Any JSON value; JSON null when absent.
   *
   * @throws FrameDecodeException {@link ErrorCode#INVALID_FIELD} naming the path inside the value
   *     (such as {@code data.points[2]}) of a number too large for a double ({@code 1e400}): it
   *     would be read as Infinity, which JSON cannot carry on to subscribers
   */
  public JsonNode anyValue(String name) {
    JsonNode node = object.get(name);
    if (node == null) {
      return NullNode.getInstance();
    }
    requireFinite(name, node);
    return node;
  }

  private void requireFinite(String name, JsonNode node) {
    if (node.isContainerNode()) {
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          requireFinite(name + "[" + i + "]", node.get(i));
        }
      } else {
        node.fields()
            .forEachRemaining(
                field -> requireFinite(name + "." + field.getKey(), field.getValue()));
      }
    } else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
      throw invalid(
          name,
          "a number within the range of a double (magnitude at most "
              + Double.MAX_VALUE
              + ") but was beyond it");
    }
  }

  /** An optional position object {@code {epoch, seq}}; {@code null} when absent or null. */
  public Position optionalPosition(String name) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    return nested(name, node, "an object {epoch, seq}").position();
  }

  /** This object read as a position {@code {epoch, seq}}. */
  public Position position() {
    String epoch = requiredString("epoch", Limits.MAX_EPOCH_LENGTH);
    long seq = requiredLong("seq", 0, Long.MAX_VALUE);
    return new Position(epoch, seq);
  }

  /** The object in field {@code name}, read with its own reader; errors name the full path. */
  public FieldReader requiredObject(String name) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      throw missing(name, "an object");
    }
    return nested(name, node, "an object");
  }

  /** The raw node of an optional field, or {@code null} when absent or JSON null. */
  public JsonNode optionalNode(String name) {
    JsonNode node = object.get(name);
    return node == null || node.isNull() ? null : node;
  }

  /** Builds the error for field {@code name} holding a wrong value. */
  public FrameDecodeException invalid(String name, String expected) {
    return new FrameDecodeException(
        ErrorCode.INVALID_FIELD, path(name), requestId, path(name) + " must be " + expected);
  }

  private FieldReader nested(String name, JsonNode node, String expected) {
    if (!node.isObject()) {
      throw invalid(name, expected + " but got " + describe(node));
    }
    return new FieldReader(node, path(name) + ".", requestId);
  }

  private long longValue(String name, JsonNode node, long min, long max) {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw invalid(name, "an integer but got " + describe(node));
    }
    long value = node.longValue();
    if (value < min || value > max) {
      throw invalid(name, "between " + min + " and " + max + " but was " + value);
    }
    return value;
  }

  private FrameDecodeException missing(String name, String expected) {
    return new FrameDecodeException(
        ErrorCode.MISSING_FIELD,
        path(name),
        requestId,
        "missing field " + path(name) + ": expected " + expected);
  }

  private String path(String name) {
    return prefix + name;
  }

  /** A short description of a JSON value's type for error messages. */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> node.isIntegralNumber() ? "an integer" : "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
