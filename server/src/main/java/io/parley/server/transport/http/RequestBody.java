package io.parley.server.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.codec.FrameCodec;
import io.parley.protocol.codec.FrameDecodeException;

/** Reads the JSON object body of an HTTP transport request. Stateless and thread-safe. */
public final class RequestBody {
  private RequestBody() {}

  /**
   * Parses {@code text} (the body decoded as UTF-8, or null when there was none) as one JSON object
   * under the codec's size limit.
   *
   * @throws FrameDecodeException {@link ErrorCode#BAD_JSON} for an empty or malformed body, {@link
   *     ErrorCode#FRAME_TOO_LARGE} for one over the limit
   */
  public static JsonNode parse(FrameCodec codec, String text) {
    if (text == null || text.isBlank()) {
      throw new FrameDecodeException(
          ErrorCode.BAD_JSON, null, null, "the request body must be a JSON object; it was empty");
    }
    return codec.parseObject(text);
  }
}
