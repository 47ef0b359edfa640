package io.parley.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.json.JSONObject;

/**
 * Official Java Socket.IO clients for tests, with a token in the CONNECT auth: connects, waits
 * (with a timeout) for the outcome and acks, and closes every socket it made. Not thread-safe: one
 * per test.
 */
public final class SocketIoTestClients implements AutoCloseable {
  /** How long any answer may take. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  private final URI server;
  private final List<Socket> sockets = new ArrayList<>();

  /** Clients of the server at {@code base}. */
  public SocketIoTestClients(URL base) {
    this.server = URI.create(base.toString().replaceAll("/$", ""));
  }

  /**
   * Connects one socket over {@code transport} ({@code websocket} or {@code polling}) with {@code
   * token} (none when null) in the CONNECT auth; {@code listeners} are added before connecting.
   *
   * @return {@code "connected"}, or the CONNECT_ERROR argument
   */
  public Object connect(String token, String transport, Consumer<Socket> listeners) {
    Map<String, String> auth = new HashMap<>();
    if (token != null) {
      auth.put("token", token);
    }
    IO.Options options =
        IO.Options.builder()
            .setTransports(new String[] {transport})
            .setForceNew(true)
            .setReconnection(false)
            .setAuth(auth)
            .build();
    Socket socket = IO.socket(server, options);
    sockets.add(socket);
    BlockingQueue<Object> outcome = new LinkedBlockingQueue<>();
    listeners.accept(socket);
    socket.once(Socket.EVENT_CONNECT, args -> outcome.add("connected"));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> outcome.add(args[0]));
    socket.connect();
    return take(outcome);
  }

  /** Connects as {@link #connect} and fails unless the server accepted. */
  public Socket connected(String token, String transport, Consumer<Socket> listeners) {
    assertThat(connect(token, transport, listeners)).isEqualTo("connected");
    return last();
  }

  /** The socket made last. */
  public Socket last() {
    return sockets.get(sockets.size() - 1);
  }

  /** Emits {@code event} with an ack and returns the ack's first argument. */
  public static JSONObject call(Socket socket, String event, JSONObject arg) {
    BlockingQueue<Object> answer = new LinkedBlockingQueue<>();
    socket.emit(event, new Object[] {arg}, (Ack) args -> answer.add(args[0]));
    return (JSONObject) take(answer);
  }

  /** The next item; fails after {@link #WAIT}. */
  public static Object take(BlockingQueue<Object> queue) {
    Object value = poll(queue, WAIT);
    assertThat(value).as("nothing within %s", WAIT).isNotNull();
    return value;
  }

  /** The next item, or null when none comes within {@code wait}. */
  public static Object poll(BlockingQueue<Object> queue, Duration wait) {
    try {
      return queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    sockets.forEach(Socket::close);
  }
}
