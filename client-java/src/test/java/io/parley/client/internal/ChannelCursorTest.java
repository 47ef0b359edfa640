package io.parley.client.internal;

import static io.parley.client.internal.ChannelCursor.Verdict.DELIVER;
import static io.parley.client.internal.ChannelCursor.Verdict.DUPLICATE;
import static io.parley.client.internal.ChannelCursor.Verdict.GAP_THEN_DELIVER;
import static io.parley.client.internal.ChannelCursor.Verdict.REREAD;
import static io.parley.client.internal.ChannelCursor.Verdict.REREADING;
import static io.parley.client.internal.ChannelCursor.Verdict.SUPERSEDED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;
import org.junit.jupiter.api.Test;

class ChannelCursorTest {
  /** Connections are opaque to the cursor: any two distinct objects. */
  private final Object current = new Object();

  private final Object older = new Object();

  private static ServerFrame.Message message(String epoch, long seq) {
    return new ServerFrame.Message(
        "c", epoch, seq, "tick", JsonNodeFactory.instance.numberNode(seq), 1_000 + seq);
  }

  private ChannelCursor confirmedAt(String epoch, long seq) {
    ChannelCursor cursor = new ChannelCursor(new Position(epoch, seq));
    cursor.confirmed(current, new Position("server", 99));
    return cursor;
  }

  @Test
  void deliversEveryMessageWhileLiveWithoutAPosition() {
    ChannelCursor cursor = new ChannelCursor(null);

    assertThat(cursor.decide(message("e", 7), current)).isEqualTo(DELIVER);
    assertThat(cursor.position()).isNull();
  }

  @Test
  void deliversTheNextSeqOfTheSameEpoch() {
    assertThat(confirmedAt("e", 4).decide(message("e", 5), current)).isEqualTo(DELIVER);
  }

  @Test
  void dropsASeqAtOrBeforeThePositionAsADuplicate() {
    ChannelCursor cursor = confirmedAt("e", 4);

    assertThat(cursor.decide(message("e", 4), current)).isEqualTo(DUPLICATE);
    assertThat(cursor.decide(message("e", 1), current)).isEqualTo(DUPLICATE);
  }

  @Test
  void readsAgainWhenASeqIsSkippedOnTheConnectionThatConfirmedIt() {
    assertThat(confirmedAt("e", 4).decide(message("e", 6), current)).isEqualTo(REREAD);
  }

  @Test
  void reportsAGapFirstWhenASeqIsSkippedOnAnotherConnection() {
    assertThat(confirmedAt("e", 4).decide(message("e", 6), older)).isEqualTo(GAP_THEN_DELIVER);
  }

  @Test
  void reportsAGapFirstWhenTheEpochChangesBeforeAnyConfirmation() {
    ChannelCursor cursor = new ChannelCursor(new Position("e", 4));

    assertThat(cursor.decide(message("f", 1), current)).isEqualTo(GAP_THEN_DELIVER);
    assertThat(cursor.resumePoint("f")).isEqualTo(new Position("e", 4));
  }

  @Test
  void reportsAGapFirstWhenTheConfirmingConnectionChangesEpoch() {
    assertThat(confirmedAt("e", 4).decide(message("f", 1), current)).isEqualTo(GAP_THEN_DELIVER);
  }

  @Test
  void dropsAnotherEpochFromAConnectionOtherThanTheConfirmingOne() {
    assertThat(confirmedAt("e", 4).decide(message("f", 1), older)).isEqualTo(SUPERSEDED);
  }

  @Test
  void takesSeqZeroAsBeforeTheFirstMessageOfAnyEpoch() {
    ChannelCursor cursor = confirmedAt("old", 0);

    assertThat(cursor.decide(message("new", 1), current)).isEqualTo(DELIVER);
    assertThat(cursor.decide(message("new", 3), current)).isEqualTo(REREAD);
    assertThat(cursor.resumePoint("new")).isEqualTo(new Position("new", 0));
  }

  @Test
  void dropsEverythingWhileRereadingUntilConfirmedAgain() {
    ChannelCursor cursor = confirmedAt("e", 4);
    cursor.reread();

    assertThat(cursor.decide(message("e", 5), current)).isEqualTo(REREADING);
    assertThat(cursor.isRereading()).isTrue();

    cursor.confirmed(current, new Position("e", 9));

    assertThat(cursor.isRereading()).isFalse();
    assertThat(cursor.position()).as("a known position is kept").isEqualTo(new Position("e", 4));
    assertThat(cursor.decide(message("e", 5), current)).isEqualTo(DELIVER);
  }

  @Test
  void decidingChangesNothingAndMovingSetsTheResumePoint() {
    ChannelCursor cursor = confirmedAt("e", 4);
    cursor.decide(message("e", 5), current);
    assertThat(cursor.position()).isEqualTo(new Position("e", 4));

    cursor.moveTo(new Position("e", 5));

    assertThat(cursor.position()).isEqualTo(new Position("e", 5));
    assertThat(cursor.decide(message("e", 5), current)).isEqualTo(DUPLICATE);
  }

  @Test
  void aLiveCursorStartsFromThePositionTheServerConfirms() {
    ChannelCursor cursor = new ChannelCursor(null);

    cursor.confirmed(current, new Position("e", 12));

    assertThat(cursor.position()).isEqualTo(new Position("e", 12));
  }

  @Test
  void aServerGapStartsAtThePositionAndIsIgnoredWhenAlreadyPassed() {
    ChannelCursor cursor = confirmedAt("e", 4);

    assertThat(cursor.gapStart(gap(new Position("e", 2), new Position("e", 8))))
        .isEqualTo(new Position("e", 4));
    assertThat(cursor.gapStart(gap(new Position("e", 1), new Position("e", 4)))).isNull();
    assertThat(cursor.gapStart(gap(new Position("e", 1), new Position("f", 2))))
        .isEqualTo(new Position("e", 4));
  }

  @Test
  void aServerGapOnALiveCursorStartsWhereTheServerSays() {
    ChannelCursor cursor = new ChannelCursor(null);

    assertThat(cursor.gapStart(gap(new Position("e", 2), new Position("e", 8))))
        .isEqualTo(new Position("e", 2));
  }

  private static ServerFrame.Gap gap(Position from, Position to) {
    return new ServerFrame.Gap("c", from, to);
  }
}
