package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.client.ConnectionException;
import io.parley.client.internal.transport.RecordingTransportListener.Closed;
import io.parley.protocol.Transport;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SocketIoTransportTest {

  @Test
  void reportsARefusedConnectionOnceAndReleasesItsThreadsOnClose() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    SocketIoTransport transport =
        new SocketIoTransport(
            new Endpoints(URI.create("http://127.0.0.1:" + port)),
            Duration.ofSeconds(5),
            "test-socketio");
    RecordingTransportListener listener = new RecordingTransportListener();

    ClientTransport.Connection connection =
        transport.open(new ClientTransport.ConnectRequest("tok", "client-1"), listener);

    assertThat(listener.next(Closed.class).cause())
        .isInstanceOfSatisfying(
            ConnectionException.class,
            e -> assertThat(e.transport()).isEqualTo(Transport.SOCKET_IO));
    connection.close();
    transport.close();
    await().atMost(Duration.ofSeconds(10)).until(transport::terminated);
    listener.assertExhausted();
    assertThat(transport.kind()).isEqualTo(Transport.SOCKET_IO);
  }
}
