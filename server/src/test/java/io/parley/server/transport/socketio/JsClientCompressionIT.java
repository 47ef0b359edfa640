package io.parley.server.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.transport.compression.WebSocketCompressionProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The official JS client {@code socket.io-client} 4.x under Node, whose {@code ws} offers
 * permessage-deflate, against a server with {@code realtime.websocket-compression} on: it
 * negotiates the extension and reads large (deflated) and small (plain) messages alike, over a
 * WebSocket opened directly and one reached by upgrading from polling ({@code
 * src/test/js/compression.js}).
 */
@QuarkusTest
@TestProfile(WebSocketCompressionProfile.class)
class JsClientCompressionIT {
  @Test
  void officialJsClientReadsDeflatedMessages() throws IOException, InterruptedException {
    NodeScript.Run run =
        NodeScript.run(
            "compression.js", line -> false, "http://127.0.0.1:" + RawEngineClient.port());

    assertThat(run.lines()).as("node output").containsExactly("PASS websocketOnly", "PASS upgrade");
    assertThat(run.exitValue()).isZero();
  }
}
