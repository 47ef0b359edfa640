package io.parley.client.internal;

import io.parley.protocol.Position;
import io.parley.protocol.ServerFrame;

/**
 * Not thread-safe, used on the supervisor's {@link EventLoop} only: where one subscription stands
 * in its channel, and what each message the server sends for it means: deliver it, drop it as a
 * duplicate or as from a superseded connection, read the channel again, or report a gap first.
 *
 * <p>{@link #decide} is a pure function of the cursor and the frame; the supervisor acts on its
 * answer (it also refuses messages while the dispatcher is full) and then moves the cursor with
 * {@link #moveTo}. Connections are compared by identity and are opaque here.
 */
final class ChannelCursor {

  /** What to do with one message. */
  enum Verdict {
    /** The next message: deliver it. */
    DELIVER,
    /** The server skipped without saying so (a later seq or a new epoch): report a gap, then it. */
    GAP_THEN_DELIVER,
    /** At or before the position: already delivered, drop it. */
    DUPLICATE,
    /**
     * Messages went missing in transit on a connection that survived: read the channel again from
     * the position rather than report a gap (the server's history still has them).
     */
    REREAD,
    /** From an older connection still sending the previous epoch after a newer one moved on. */
    SUPERSEDED,
    /** The channel is being read again; the new subscription replays this message. */
    REREADING
  }

  private Position position;
  private Object confirmedOn;
  private boolean rereading;

  /** A cursor at {@code since}, or with no position yet (live) when it is {@code null}. */
  ChannelCursor(Position since) {
    this.position = since;
  }

  /**
   * The resume point: the last message or gap end accepted for delivery; {@code null} until the
   * first one, or the server's confirmation, gives one.
   */
  Position position() {
    return position;
  }

  /** Whether the channel is being read again and its messages are dropped until confirmed. */
  boolean isRereading() {
    return rereading;
  }

  /**
   * What to do with {@code frame}, which arrived on {@code connection}. Changes nothing.
   *
   * @param connection the connection the frame came on, compared with the one that last confirmed
   *     the subscription
   */
  Verdict decide(ServerFrame.Message frame, Object connection) {
    if (rereading) {
      return Verdict.REREADING;
    }
    Position at = resumePoint(frame.epoch());
    if (at == null) {
      return Verdict.DELIVER;
    }
    boolean sameEpoch = frame.epoch().equals(at.epoch());
    if (sameEpoch && frame.seq() <= at.seq()) {
      return Verdict.DUPLICATE;
    }
    if (!sameEpoch && confirmedOn != null && confirmedOn != connection) {
      return Verdict.SUPERSEDED;
    }
    boolean skipped = frame.seq() > at.seq() + 1;
    if (sameEpoch && skipped && confirmedOn == connection) {
      // A reset can lose an Engine.IO polling response after the server wrote it; a real hole
      // comes back as an explicit gap when the channel is read again.
      return Verdict.REREAD;
    }
    return sameEpoch && !skipped ? Verdict.DELIVER : Verdict.GAP_THEN_DELIVER;
  }

  /**
   * The position a message of {@code epoch} is judged against: seq 0 is "before the first message"
   * in any epoch (the server replays from the start whatever the epoch), so a channel that
   * restarted before its first message lost nothing. {@code null} when there is no position.
   */
  Position resumePoint(String epoch) {
    if (position != null && position.seq() == 0 && !epoch.equals(position.epoch())) {
      return new Position(epoch, 0);
    }
    return position;
  }

  /**
   * Where a gap the server reported starts for this subscription, or {@code null} when the cursor
   * is already at or past its end.
   */
  Position gapStart(ServerFrame.Gap frame) {
    if (position == null) {
      return frame.from();
    }
    boolean behind =
        position.epoch().equals(frame.to().epoch()) && frame.to().seq() <= position.seq();
    return behind ? null : position;
  }

  /** Accepts a message or gap end for delivery: the new resume point. */
  void moveTo(Position next) {
    position = next;
  }

  /**
   * Records the server's confirmation on {@code connection}: messages are taken again, and a live
   * subscription starts from {@code serverPosition}.
   */
  void confirmed(Object connection, Position serverPosition) {
    confirmedOn = connection;
    rereading = false;
    if (position == null) {
      position = serverPosition;
    }
  }

  /** Starts reading the channel again from the position; messages are dropped until confirmed. */
  void reread() {
    rereading = true;
  }

  @Override
  public String toString() {
    return "ChannelCursor[" + position + (rereading ? ", rereading" : "") + "]";
  }
}
