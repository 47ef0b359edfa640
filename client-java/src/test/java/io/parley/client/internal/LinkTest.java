package io.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.ParleyException;
import io.parley.client.internal.transport.ClientTransport.ConnectRequest;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import io.parley.protocol.time.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LinkTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final EventLoop loop = new EventLoop(scheduler);
  private final RecordingEvents events = new RecordingEvents();
  private final Link link =
      new Link(FakeTransport.SERVER, Transport.WEBSOCKET, Link.Role.MAIN, "t1", loop, events);
  private final FakeConnection connection =
      new FakeConnection(
          FakeTransport.SERVER, Transport.WEBSOCKET, new ConnectRequest("t1", "client-1"), link);

  /** Records what the link handed to the loop, and on which side of the loop it ran. */
  private final class RecordingEvents implements Link.Events {
    final List<String> seen = new ArrayList<>();

    @Override
    public void onFrame(Link from, ServerFrame frame) {
      seen.add(
          (loop.inLoop() ? "loop " : "outside ")
              + frame.getClass().getSimpleName()
              + " on "
              + from.kind);
    }

    @Override
    public void onClosed(Link from, ParleyException cause) {
      seen.add((loop.inLoop() ? "loop " : "outside ") + "closed: " + cause.getMessage());
    }
  }

  @Test
  void handsEveryTransportEventToTheLoopInOrder() {
    link.connection = connection;

    connection.welcome();
    connection.ackWithEpoch("p1", 4, "e1");
    connection.drop("reset");
    assertThat(events.seen).as("nothing runs on the transport's thread").isEmpty();

    scheduler.runDue();

    assertThat(events.seen)
        .containsExactly(
            "loop Welcome on WEBSOCKET", "loop Ack on WEBSOCKET", "loop closed: reset");
  }

  @Test
  void isEstablishedByTheWelcomeAndRemembersWhenItLastHeard() {
    ServerFrame.Welcome welcome = new ServerFrame.Welcome("s", FakeConnection.HEARTBEAT, "n");
    assertThat(link.isEstablished()).isFalse();

    link.established(welcome, 100);
    assertThat(link.isEstablished()).isTrue();
    assertThat(link.welcome()).isSameAs(welcome);
    assertThat(link.establishedAt()).isEqualTo(100);
    assertThat(link.lastHeard()).isEqualTo(100);

    link.heard(250);
    assertThat(link.lastHeard()).isEqualTo(250);
    assertThat(link.establishedAt()).isEqualTo(100);
  }

  @Test
  void retiringClosesTheConnectionAndCancelsTheConnectTimerOnce() {
    List<String> fired = new CopyOnWriteArrayList<>();
    link.connection = connection;
    link.connectTimer = loop.schedule(Duration.ofSeconds(10), () -> fired.add("timeout"));

    link.retire();
    link.retire();
    scheduler.advance(Duration.ofSeconds(10));

    assertThat(link.isRetired()).isTrue();
    assertThat(connection.isClosed()).isTrue();
    assertThat(fired).isEmpty();
  }

  @Test
  void retiresALinkWhoseConnectionNeverOpened() {
    link.retire();

    assertThat(link.isRetired()).isTrue();
    assertThat(link.toString()).isEqualTo("WEBSOCKET/MAIN (connecting) retired");
  }

  @Test
  void keepsTheTokenItPresented() {
    assertThat(link.token).isEqualTo("t1");
  }
}
