package io.parley.harness.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeBalancerTest {

  private final List<ServerSocket> nodes = new ArrayList<>();

  /** A fake node: answers every connection with its one-byte name, then closes it. */
  private int node(char name) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    nodes.add(listener);
    Thread thread =
        new Thread(
            () -> {
              while (!listener.isClosed()) {
                try (Socket socket = listener.accept()) {
                  socket.getOutputStream().write(name);
                } catch (IOException e) {
                  // closed at the end of the test
                }
              }
            },
            "fake-node-" + name);
    thread.setDaemon(true);
    thread.start();
    return listener.getLocalPort();
  }

  /** The name of the node one new connection through the balancer reached; '-' for none. */
  private static char reached(NodeBalancer balancer) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), balancer.port())) {
      socket.setSoTimeout(5_000);
      int read = socket.getInputStream().read();
      return read < 0 ? '-' : (char) read;
    }
  }

  @AfterEach
  void closeNodes() throws IOException {
    for (ServerSocket node : nodes) {
      node.close();
    }
  }

  @Test
  void spreadsNewConnectionsRoundRobinOverTheNodesThatAreUp() throws IOException {
    try (NodeBalancer balancer = new NodeBalancer(List.of(node('a'), node('b')))) {
      String first = "" + reached(balancer) + reached(balancer) + reached(balancer);
      assertThat(first).isIn("aba", "bab");

      balancer.down(1);
      assertThat("" + reached(balancer) + reached(balancer)).isEqualTo("aa");

      balancer.up(1);
      String again = "" + reached(balancer) + reached(balancer);
      assertThat(again).contains("a").contains("b");
    }
  }

  @Test
  void skipsANodeThatRefusesAndClosesTheConnectionWhenNoneIsLeft() throws IOException {
    int alive = node('a');
    int dead = node('b');
    nodes.get(1).close();
    try (NodeBalancer balancer = new NodeBalancer(List.of(dead, alive))) {
      assertThat("" + reached(balancer) + reached(balancer)).isEqualTo("aa");

      balancer.down(1);
      assertThat(reached(balancer)).isEqualTo('-');
    }
  }
}
