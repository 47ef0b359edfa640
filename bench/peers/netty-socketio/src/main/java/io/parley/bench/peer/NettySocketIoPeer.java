package io.parley.bench.peer;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * netty-socketio with the same three handlers as Parley's Socket.IO channel events, as a benchmark
 * peer: {@code subscribe {channel}} joins the room, {@code publish {id, channel, event, data}}
 * sends {@code message} to the room and acks {@code {seq, epoch}}, {@code echo} acks its
 * argument. Compression is off, as for every server in the comparison. Usage: {@code java -jar
 * peer-netty-socketio.jar PORT}.
 */
public final class NettySocketIoPeer {
  private NettySocketIoPeer() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 3001;
    String epoch = "netty-" + ProcessHandle.current().pid();
    Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();

    Configuration config = new Configuration();
    config.setHostname("127.0.0.1");
    config.setPort(port);
    config.setWebsocketCompression(false);
    config.setHttpCompression(false);
    config.setPingInterval(25_000);
    config.setPingTimeout(20_000);
    SocketConfig socket = new SocketConfig();
    socket.setReuseAddress(true);
    socket.setTcpNoDelay(true);
    config.setSocketConfig(socket);

    SocketIOServer server = new SocketIOServer(config);
    server.addEventListener(
        "subscribe",
        Map.class,
        (client, request, ack) -> {
          String channel = String.valueOf(request.get("channel"));
          client.joinRoom(channel);
          long seq = seqs.computeIfAbsent(channel, c -> new AtomicLong()).get();
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("channel", channel);
          answer.put("position", Map.of("epoch", epoch, "seq", seq));
          answer.put("recovered", true);
          ack.sendAckData(answer);
        });
    server.addEventListener(
        "publish",
        Map.class,
        (client, request, ack) -> {
          String channel = String.valueOf(request.get("channel"));
          long seq = seqs.computeIfAbsent(channel, c -> new AtomicLong()).incrementAndGet();
          Map<String, Object> message = new LinkedHashMap<>();
          message.put("channel", channel);
          message.put("epoch", epoch);
          message.put("seq", seq);
          message.put("event", request.get("event"));
          message.put("data", request.get("data"));
          message.put("ts", System.currentTimeMillis());
          server.getRoomOperations(channel).sendEvent("message", message);
          ack.sendAckData(Map.of("seq", seq, "epoch", epoch));
        });
    server.addEventListener(
        "echo", Object.class, (client, value, ack) -> ack.sendAckData(value));
    server.start();
    System.out.println("netty-socketio peer listening on http://127.0.0.1:" + port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    Thread.currentThread().join();
  }
}
