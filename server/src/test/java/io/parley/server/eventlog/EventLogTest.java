package io.parley.server.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.protocol.Transport;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLogTest {
  private static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");

  private final EventLog log = new EventLog(3, Clock.fixed(T0, ZoneOffset.UTC));

  private LoggedEvent connect(String user) {
    return log.append(
        LoggedEvent.Kind.CONNECTED, user, "s-" + user, Transport.WEBSOCKET, null, "detail");
  }

  private static List<Long> ids(EventLog.Page page) {
    return page.events().stream().map(LoggedEvent::id).toList();
  }

  @Test
  void anEmptyLogHasLastZeroAndNothingLost() {
    EventLog.Page page = log.read(0, 10);
    assertThat(page.last()).isZero();
    assertThat(page.lost()).isZero();
    assertThat(page.events()).isEmpty();
  }

  @Test
  void idsStartAtOneAndIncreaseAndEntriesKeepWhatWasAppended() {
    LoggedEvent first = connect("a");
    LoggedEvent second = connect("b");
    assertThat(first.id()).isEqualTo(1);
    assertThat(second.id()).isEqualTo(2);
    assertThat(first.at()).isEqualTo(T0);
    assertThat(log.read(0, 10).events()).containsExactly(first, second);
  }

  @Test
  void theRingKeepsTheNewestAndCountsWhatAReaderLost() {
    for (int i = 1; i <= 5; i++) {
      connect("u" + i);
    }
    EventLog.Page fromStart = log.read(0, 10);
    assertThat(fromStart.last()).isEqualTo(5);
    assertThat(ids(fromStart)).containsExactly(3L, 4L, 5L);
    assertThat(fromStart.lost()).isEqualTo(2);
    assertThat(log.read(1, 10).lost()).isEqualTo(1);
    assertThat(log.read(2, 10).lost()).isZero();
    assertThat(ids(log.read(2, 10))).containsExactly(3L, 4L, 5L);
  }

  @Test
  void afterAndLimitPageOldestFirst() {
    for (int i = 1; i <= 3; i++) {
      connect("u" + i);
    }
    assertThat(ids(log.read(0, 2))).containsExactly(1L, 2L);
    assertThat(ids(log.read(2, 2))).containsExactly(3L);
    EventLog.Page upToDate = log.read(3, 2);
    assertThat(upToDate.events()).isEmpty();
    assertThat(upToDate.last()).isEqualTo(3);
    assertThat(upToDate.lost()).isZero();
  }

  @Test
  void aReaderAheadOfTheLogGetsNothingAndSeesTheNewestIdToStartAgainFrom() {
    connect("a");
    EventLog.Page page = log.read(99, 10);
    assertThat(page.events()).isEmpty();
    assertThat(page.lost()).isZero();
    assertThat(page.last()).isEqualTo(1);
  }

  @Test
  void listenersSeeEveryAppendInOrder() {
    List<Long> seen = new ArrayList<>();
    log.listen(event -> seen.add(event.id()));
    connect("a");
    connect("b");
    assertThat(seen).containsExactly(1L, 2L);
  }

  @Test
  void badSizesAndReadsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> new EventLog(0, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("realtime.admin.event-log.size must be at least 1 but was 0");
    assertThatThrownBy(() -> log.read(-1, 1)).hasMessageContaining("after must be 0 or more");
    assertThatThrownBy(() -> log.read(0, 0)).hasMessageContaining("limit must be at least 1");
  }

  @Test
  void theJsonHasEveryFieldOfTheContractNullsIncluded() {
    LoggedEvent event =
        log.append(LoggedEvent.Kind.AUTH_FAILED, null, null, null, "TOKEN_EXPIRED", "refused");
    var json = event.writeTo(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode());
    assertThat(json.toString())
        .isEqualTo(
            "{\"id\":1,\"at\":\"2026-12-05T07:00:00Z\",\"kind\":\"AUTH_FAILED\",\"user\":null,"
                + "\"session\":null,\"transport\":null,\"reason\":\"TOKEN_EXPIRED\","
                + "\"detail\":\"refused\"}");
  }
}
