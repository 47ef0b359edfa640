package io.parley.harness.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RedisProcessIT {

  /** Sends one command and returns the reply: a status line, a bulk string's value, or null. */
  private static String command(int port, String... words) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
      for (String word : words) {
        request.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line.startsWith("$")) {
        return line.equals("$-1") ? null : in.readLine();
      }
      return line;
    }
  }

  @Test
  void keepsItsDataAcrossAStopAndComesBackEmptyAfterAKill() throws IOException {
    try (RedisProcess redis = RedisProcess.create().start()) {
      int port = redis.port();
      assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + port);
      assertThat(command(port, "SET", "kept", "yes")).isEqualTo("+OK");

      redis.stop();
      assertThat(redis.isRunning()).isFalse();
      redis.start();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(command(port, "GET", "kept")).isEqualTo("yes");

      redis.kill();
      assertThat(redis.isRunning()).isFalse();
      redis.start();
      assertThat(command(port, "GET", "kept")).isNull();
    }
  }
}
