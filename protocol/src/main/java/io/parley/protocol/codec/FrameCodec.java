package io.parley.protocol.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Frame;
import io.parley.protocol.FrameType;
import io.parley.protocol.Limits;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes native frames as JSON text. Decoding rejects oversize input, bad JSON,
 * unknown or wrong-direction types, and missing or mistyped fields with a {@link
 * FrameDecodeException}; unknown fields are ignored. Thread-safe: one instance can serve every
 * connection.
 */
public final class FrameCodec {
  private static final int MAX_NESTING_DEPTH = 64;

  private final ObjectMapper mapper;
  private final int maxFrameBytes;

  private FrameCodec(int maxFrameBytes) {
    if (maxFrameBytes < 64) {
      throw new IllegalArgumentException("maxFrameBytes must be >= 64 but was " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    this.mapper = JsonMapper.builder(factory).build();
  }

  /** A codec accepting frames up to {@link Limits#DEFAULT_MAX_FRAME_BYTES}. */
  public static FrameCodec create() {
    return new FrameCodec(Limits.DEFAULT_MAX_FRAME_BYTES);
  }

  /** A codec accepting frames up to {@code maxFrameBytes} bytes of UTF-8. */
  public static FrameCodec withMaxFrameBytes(int maxFrameBytes) {
    return new FrameCodec(maxFrameBytes);
  }

  /** The largest accepted frame, in bytes of UTF-8. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** The mapper this codec parses with, for reading other bodies under the same limits. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Parses {@code text} as one JSON object, enforcing the size limit.
   *
   * @throws FrameDecodeException {@link ErrorCode#FRAME_TOO_LARGE} or {@link ErrorCode#BAD_JSON}
   */
  public JsonNode parseObject(String text) {
    checkSize(text);
    JsonNode node;
    try {
      node = mapper.readTree(text);
    } catch (IOException e) {
      throw new FrameDecodeException(
          ErrorCode.BAD_JSON, null, null, "malformed JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new FrameDecodeException(
          ErrorCode.BAD_JSON,
          null,
          null,
          "expected a JSON object but got " + FieldReader.describe(node));
    }
    return node;
  }

  /** Decodes a frame sent by a client. */
  public ClientFrame decodeClient(String text) {
    return decodeClient(parseObject(text));
  }

  /** Decodes a client frame from an already parsed JSON object. */
  public ClientFrame decodeClient(JsonNode node) {
    FieldReader fields = FieldReader.of(node);
    FrameType type = type(fields, true);
    return switch (type) {
      case HELLO ->
          new ClientFrame.Hello(
              fields.optionalString("token", Limits.MAX_TOKEN_LENGTH),
              fields.requiredString("clientId", Limits.MAX_ID_LENGTH));
      case SUBSCRIBE ->
          new ClientFrame.Subscribe(
              fields.requiredString("id", Limits.MAX_ID_LENGTH),
              fields.channel("channel"),
              fields.optionalPosition("since"));
      case UNSUBSCRIBE ->
          new ClientFrame.Unsubscribe(
              fields.requiredString("id", Limits.MAX_ID_LENGTH), fields.channel("channel"));
      case PUBLISH ->
          new ClientFrame.Publish(
              fields.requiredString("id", Limits.MAX_ID_LENGTH),
              fields.channel("channel"),
              fields.requiredString("event", Limits.MAX_EVENT_LENGTH),
              fields.anyValue("data"));
      case PING -> new ClientFrame.Ping(fields.optionalLong("ts", 0, Long.MAX_VALUE, 0));
      case PONG -> new ClientFrame.Pong(fields.optionalLong("ts", 0, Long.MAX_VALUE, 0));
      case AUTH -> new ClientFrame.Auth(fields.requiredString("token", Limits.MAX_TOKEN_LENGTH));
      default -> throw new IllegalStateException("not a client frame type: " + type);
    };
  }

  /** Decodes a frame sent by the server. */
  public ServerFrame decodeServer(String text) {
    FieldReader fields = FieldReader.of(parseObject(text));
    FrameType type = type(fields, false);
    return switch (type) {
      case WELCOME -> {
        FieldReader heartbeat = fields.requiredObject("heartbeat");
        yield new ServerFrame.Welcome(
            fields.requiredString("sessionId", Limits.MAX_ID_LENGTH),
            new ServerFrame.Heartbeat(
                heartbeat.requiredLong("intervalMs", 1, Long.MAX_VALUE),
                heartbeat.requiredLong("timeoutMs", 1, Long.MAX_VALUE)),
            fields.requiredString("node", Limits.MAX_ID_LENGTH));
      }
      case SUBSCRIBED ->
          new ServerFrame.Subscribed(
              fields.requiredString("id", Limits.MAX_ID_LENGTH),
              fields.channel("channel"),
              fields.requiredObject("position").position(),
              bool(fields, "recovered"));
      case UNSUBSCRIBED ->
          new ServerFrame.Unsubscribed(
              fields.requiredString("id", Limits.MAX_ID_LENGTH), fields.channel("channel"));
      case MESSAGE -> message(fields);
      case ACK ->
          new ServerFrame.Ack(
              fields.requiredString("id", Limits.MAX_ID_LENGTH),
              fields.requiredLong("seq", 1, Long.MAX_VALUE),
              fields.requiredString("epoch", Limits.MAX_EPOCH_LENGTH));
      case GAP ->
          new ServerFrame.Gap(
              fields.channel("channel"),
              fields.requiredObject("from").position(),
              fields.requiredObject("to").position());
      case ERROR -> error(fields);
      case PING -> new ServerFrame.Ping(fields.optionalLong("ts", 0, Long.MAX_VALUE, 0));
      case PONG -> new ServerFrame.Pong(fields.optionalLong("ts", 0, Long.MAX_VALUE, 0));
      case RECONNECT ->
          new ServerFrame.Reconnect(
              fields.requiredString("reason", 1024),
              fields.optionalLong("afterMs", 0, Long.MAX_VALUE, 0));
      default -> throw new IllegalStateException("not a server frame type: " + type);
    };
  }

  /** Encodes any frame as compact JSON with {@code type} first. */
  public String encode(Frame frame) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("type", frame.type().wireName());
      writeFields(json, frame);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + frame.type().wireName(), e);
    }
    return out.toString();
  }

  // Java 17 has no pattern matching for switch; the chain follows the FrameType order.
  private void writeFields(JsonGenerator json, Frame frame) throws IOException {
    if (frame instanceof ClientFrame.Hello f) {
      writeOptional(json, "token", f.token());
      json.writeStringField("clientId", f.clientId());
    } else if (frame instanceof ClientFrame.Subscribe f) {
      json.writeStringField("id", f.id());
      json.writeStringField("channel", f.channel());
      if (f.since() != null) {
        writePosition(json, "since", f.since());
      }
    } else if (frame instanceof ClientFrame.Unsubscribe f) {
      json.writeStringField("id", f.id());
      json.writeStringField("channel", f.channel());
    } else if (frame instanceof ClientFrame.Publish f) {
      json.writeStringField("id", f.id());
      json.writeStringField("channel", f.channel());
      json.writeStringField("event", f.event());
      json.writeFieldName("data");
      mapper.writeTree(json, f.data());
    } else if (frame instanceof ClientFrame.Ping f) {
      json.writeNumberField("ts", f.ts());
    } else if (frame instanceof ClientFrame.Pong f) {
      json.writeNumberField("ts", f.ts());
    } else if (frame instanceof ClientFrame.Auth f) {
      json.writeStringField("token", f.token());
    } else if (frame instanceof ServerFrame.Welcome f) {
      json.writeStringField("sessionId", f.sessionId());
      json.writeObjectFieldStart("heartbeat");
      json.writeNumberField("intervalMs", f.heartbeat().intervalMs());
      json.writeNumberField("timeoutMs", f.heartbeat().timeoutMs());
      json.writeEndObject();
      json.writeStringField("node", f.node());
    } else if (frame instanceof ServerFrame.Subscribed f) {
      json.writeStringField("id", f.id());
      json.writeStringField("channel", f.channel());
      writePosition(json, "position", f.position());
      json.writeBooleanField("recovered", f.recovered());
    } else if (frame instanceof ServerFrame.Unsubscribed f) {
      json.writeStringField("id", f.id());
      json.writeStringField("channel", f.channel());
    } else if (frame instanceof ServerFrame.Message f) {
      json.writeStringField("channel", f.channel());
      json.writeStringField("epoch", f.epoch());
      json.writeNumberField("seq", f.seq());
      json.writeStringField("event", f.event());
      json.writeFieldName("data");
      mapper.writeTree(json, f.data());
      json.writeNumberField("ts", f.ts());
    } else if (frame instanceof ServerFrame.Ack f) {
      json.writeStringField("id", f.id());
      json.writeNumberField("seq", f.seq());
      json.writeStringField("epoch", f.epoch());
    } else if (frame instanceof ServerFrame.Gap f) {
      json.writeStringField("channel", f.channel());
      writePosition(json, "from", f.from());
      writePosition(json, "to", f.to());
    } else if (frame instanceof ServerFrame.Error f) {
      writeOptional(json, "id", f.id());
      json.writeStringField("code", f.code().name());
      json.writeStringField("category", f.category().wireName());
      json.writeStringField("message", f.message());
      json.writeBooleanField("retryable", f.retryable());
      writeOptional(json, "field", f.field());
      if (f.retryAfterMs() > 0) {
        json.writeNumberField("retryAfterMs", f.retryAfterMs());
      }
    } else if (frame instanceof ServerFrame.Ping f) {
      json.writeNumberField("ts", f.ts());
    } else if (frame instanceof ServerFrame.Pong f) {
      json.writeNumberField("ts", f.ts());
    } else if (frame instanceof ServerFrame.Reconnect f) {
      json.writeStringField("reason", f.reason());
      json.writeNumberField("afterMs", f.afterMs());
    } else {
      throw new IllegalArgumentException("unknown frame " + frame);
    }
  }

  private static void writeOptional(JsonGenerator json, String name, String value)
      throws IOException {
    if (value != null) {
      json.writeStringField(name, value);
    }
  }

  private static void writePosition(JsonGenerator json, String name, Position position)
      throws IOException {
    json.writeObjectFieldStart(name);
    json.writeStringField("epoch", position.epoch());
    json.writeNumberField("seq", position.seq());
    json.writeEndObject();
  }

  private static FrameType type(FieldReader fields, boolean fromClient) {
    String name = fields.requiredString("type", 32);
    FrameType type = FrameType.fromWireName(name);
    if (type == null || (fromClient ? !type.fromClient() : !type.fromServer())) {
      throw new FrameDecodeException(
          ErrorCode.UNKNOWN_TYPE,
          "type",
          fields.requestId(),
          "unknown frame type '" + name + "'; expected one of " + names(fromClient));
    }
    return type;
  }

  private static String names(boolean fromClient) {
    StringBuilder out = new StringBuilder();
    for (FrameType type : FrameType.values()) {
      if (fromClient ? type.fromClient() : type.fromServer()) {
        out.append(out.length() == 0 ? "" : ", ").append(type.wireName());
      }
    }
    return out.toString();
  }

  /**
   * Reads the fields of a {@code message} (a frame's, or one entry of an HTTP poll answer's {@code
   * messages}).
   *
   * @throws FrameDecodeException naming the field that is missing or not what it should be
   */
  public static ServerFrame.Message message(FieldReader fields) {
    return new ServerFrame.Message(
        fields.channel("channel"),
        fields.requiredString("epoch", Limits.MAX_EPOCH_LENGTH),
        fields.requiredLong("seq", 1, Long.MAX_VALUE),
        fields.requiredString("event", Limits.MAX_EVENT_LENGTH),
        fields.anyValue("data"),
        fields.optionalLong("ts", 0, Long.MAX_VALUE, 0));
  }

  private static ServerFrame.Error error(FieldReader fields) {
    String codeName = fields.requiredString("code", 64);
    ErrorCode code = ErrorCode.fromWireName(codeName);
    if (code == null) {
      // A newer server may add codes; keep the frame and treat it as an internal failure.
      code = ErrorCode.INTERNAL;
    }
    ErrorCategory category = ErrorCategory.fromWireName(fields.optionalString("category", 32));
    return new ServerFrame.Error(
        fields.optionalString("id", Limits.MAX_ID_LENGTH),
        code,
        category == null ? code.category() : category,
        fields.requiredString("message", 64 * 1024),
        bool(fields, "retryable"),
        fields.optionalString("field", 256),
        fields.optionalLong("retryAfterMs", 0, Long.MAX_VALUE, 0));
  }

  private static boolean bool(FieldReader fields, String name) {
    JsonNode node = fields.optionalNode(name);
    if (node == null) {
      return false;
    }
    if (!node.isBoolean()) {
      throw fields.invalid(name, "a boolean but got " + FieldReader.describe(node));
    }
    return node.booleanValue();
  }

  private void checkSize(String text) {
    // Characters never outnumber UTF-8 bytes, and each takes at most 3 bytes (a surrogate pair,
    // 2 chars, takes 4), so the exact count is needed only between those bounds.
    if (text.length() > maxFrameBytes
        || ((long) text.length() * 3 > maxFrameBytes
            && text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes)) {
      throw new FrameDecodeException(
          ErrorCode.FRAME_TOO_LARGE,
          null,
          null,
          "frame is larger than the limit of " + maxFrameBytes + " bytes");
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable input";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
