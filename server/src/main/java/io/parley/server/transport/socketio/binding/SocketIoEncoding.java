package io.parley.server.transport.socketio.binding;

import com.fasterxml.jackson.core.JsonGenerator;
import io.parley.protocol.ServerFrame;
import io.parley.server.hub.Encoding;
import io.parley.server.transport.engineio.EnginePacket;
import io.parley.server.transport.socketio.SocketJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The Socket.IO encoding of a channel message: the complete Engine.IO text packet {@code
 * 42["message",{channel,epoch,seq,event,data,ts}]} on namespace {@code /}, computed once per
 * message for all subscribers. Thread-safe.
 */
final class SocketIoEncoding {
  /**
   * A channel message as a Socket.IO {@code message} event, as the Engine.IO packet every
   * subscriber's connection queues.
   */
  static final Encoding<EnginePacket> MESSAGE =
      Encoding.of("socketio", message -> EnginePacket.preEncoded(encode(message.frame())));

  private SocketIoEncoding() {}

  private static String encode(ServerFrame.Message frame) {
    StringWriter out = new StringWriter(128);
    out.write("42");
    try (JsonGenerator json = SocketJson.MAPPER.getFactory().createGenerator(out)) {
      json.writeStartArray();
      json.writeString("message");
      json.writeStartObject();
      json.writeStringField("channel", frame.channel());
      json.writeStringField("epoch", frame.epoch());
      json.writeNumberField("seq", frame.seq());
      json.writeStringField("event", frame.event());
      json.writeFieldName("data");
      SocketJson.MAPPER.writeTree(json, frame.data());
      json.writeNumberField("ts", frame.ts());
      json.writeEndObject();
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + frame.channel() + "@" + frame.seq(), e);
    }
    return out.toString();
  }
}
