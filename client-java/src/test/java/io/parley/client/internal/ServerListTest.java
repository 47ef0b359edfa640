package io.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerListTest {
  static final URI A = URI.create("http://127.0.0.1:1");
  static final URI B = URI.create("http://127.0.0.1:2");
  static final URI C = URI.create("http://127.0.0.1:3");

  @Test
  void startsOnTheFirstServerOfTheClientsOrder() {
    ServerList servers = new ServerList(List.of(B, A, C));

    assertThat(servers.current()).isEqualTo(B);
    assertThat(servers.isList()).isTrue();
  }

  @Test
  void movesToTheNextServerAtOnceUntilEveryServerFailedThenBacksOff() {
    ServerList servers = new ServerList(List.of(A, B, C));

    assertThat(servers.roundFailed()).as("A failed: B at once").isTrue();
    assertThat(servers.current()).isEqualTo(B);
    assertThat(servers.roundFailed()).as("B failed: C at once").isTrue();
    assertThat(servers.current()).isEqualTo(C);
    assertThat(servers.roundFailed()).as("C failed too: back off").isFalse();
    assertThat(servers.current()).as("wraps around").isEqualTo(A);

    servers.backedOff();
    assertThat(servers.roundFailed()).as("a new cycle after the wait").isTrue();
    assertThat(servers.current()).isEqualTo(B);
  }

  @Test
  void aConnectionStartsTheCycleOverFromItsServer() {
    ServerList servers = new ServerList(List.of(A, B, C));
    servers.roundFailed();
    servers.roundFailed();

    servers.connectedTo(B);

    assertThat(servers.current()).isEqualTo(B);
    assertThat(servers.roundFailed()).isTrue();
    assertThat(servers.current()).isEqualTo(C);
    assertThat(servers.roundFailed()).isTrue();
    assertThat(servers.current()).isEqualTo(A);
    assertThat(servers.roundFailed()).isFalse();
  }

  @Test
  void aSingleServerBacksOffAfterEveryFailedRoundAndStaysPut() {
    ServerList servers = new ServerList(List.of(A));

    assertThat(servers.isList()).isFalse();
    assertThat(servers.roundFailed()).isFalse();
    assertThat(servers.current()).isEqualTo(A);
    servers.backedOff();
    assertThat(servers.roundFailed()).isFalse();
    assertThat(servers.after(A)).isEqualTo(A);
  }

  @Test
  void theServerAfterAnotherWraps() {
    ServerList servers = new ServerList(List.of(A, B, C));

    assertThat(servers.after(A)).isEqualTo(B);
    assertThat(servers.after(C)).isEqualTo(A);
  }
}
