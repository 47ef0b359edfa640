package io.parley.harness.scenario;

import io.parley.protocol.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Stateless and thread-safe: checks what the subscribers received against what the publishers had
 * acknowledged. Per subscriber and channel:
 *
 * <ul>
 *   <li>every acknowledged message was received, unless a signalled gap covers it (lost);
 *   <li>no position was received twice (duplicated);
 *   <li>positions follow each other: {@code seq} goes up by one within an epoch, and anything else
 *       (a skip, a step back, a new epoch) comes after a gap (out of order, silent skip);
 *   <li>no publish id was applied at two positions of one epoch (applied twice). The same id in two
 *       epochs is counted apart, as re-applied across epochs: a server that lost its memory also
 *       lost the idempotency window, so a retry after a restart is applied again, legitimately.
 * </ul>
 *
 * Each stream starts from the position its subscription was made with ({@code since}), so its first
 * message must follow that position, or come after a gap.
 */
public final class InvariantChecker {

  private static final int MAX_LISTED = 25;

  private InvariantChecker() {}

  /**
   * Immutable and thread-safe: one publish and every acknowledgment it got (each retry that reached
   * the server may be acknowledged; all must name one position).
   */
  public record Publish(String pid, String channel, List<Position> acks) {
    public Publish {
      Objects.requireNonNull(pid, "pid");
      Objects.requireNonNull(channel, "channel");
      acks = List.copyOf(acks);
    }
  }

  /**
   * Immutable and thread-safe: what one subscriber received on one channel, in order, after
   * subscribing from {@code start}.
   */
  public record Stream(
      String subscriber, String channel, Position start, List<ClientRecorder.Entry> entries) {
    public Stream {
      Objects.requireNonNull(start, "start");
      entries = List.copyOf(entries);
    }
  }

  /**
   * Immutable and thread-safe: the outcome.
   *
   * @param published publishes attempted
   * @param acknowledged publishes acknowledged
   * @param unacknowledged publishes never acknowledged (a violation)
   * @param delivered messages received, duplicates excluded, summed over subscribers
   * @param lost acknowledged messages a subscriber never received and no gap covered
   * @param duplicated messages received again at a position already received
   * @param outOfOrder messages that arrived behind a later one, or skipped ahead without a gap
   * @param gapsSignalled gaps delivered to handlers, summed over subscribers
   * @param appliedTwice publish ids applied at two positions of one epoch
   * @param reappliedAcrossEpochs publish ids applied in two epochs (after the server lost its
   *     state)
   * @param violations what broke, one line each, the first few listed
   */
  public record Verdict(
      long published,
      long acknowledged,
      long unacknowledged,
      long delivered,
      long lost,
      long duplicated,
      long outOfOrder,
      long gapsSignalled,
      long appliedTwice,
      long reappliedAcrossEpochs,
      List<String> violations) {
    public Verdict {
      violations = List.copyOf(violations);
    }

    /** Whether every invariant held. */
    public boolean passed() {
      return violations.isEmpty();
    }
  }

  /**
   * Checks {@code streams} against {@code publishes}.
   *
   * @param gaps whether gaps were expected
   */
  public static Verdict check(
      List<Publish> publishes, List<Stream> streams, Scenario.GapPolicy gaps) {
    Violations violations = new Violations();
    Map<String, Set<Position>> acked = new HashMap<>();
    Set<String> appliedTwice = new LinkedHashSet<>();
    Map<String, Set<String>> epochsOfPid = new HashMap<>();
    long acknowledged = 0;
    for (Publish publish : publishes) {
      Set<Position> positions = new LinkedHashSet<>(publish.acks());
      if (!positions.isEmpty()) {
        acknowledged++;
        acked.computeIfAbsent(publish.channel(), c -> new HashSet<>()).addAll(positions);
      } else {
        violations.add("publish " + publish.pid() + " on " + publish.channel() + " never acked");
      }
      Set<String> epochs = new HashSet<>();
      for (Position position : positions) {
        if (!epochs.add(position.epoch())) {
          appliedTwice.add(publish.pid());
          violations.add("publish " + publish.pid() + " acked at two positions: " + publish.acks());
        }
      }
      epochsOfPid.computeIfAbsent(publish.pid(), p -> new HashSet<>()).addAll(epochs);
    }

    long delivered = 0;
    long lost = 0;
    long duplicated = 0;
    long outOfOrder = 0;
    long gapCount = 0;
    for (Stream stream : streams) {
      String who = stream.subscriber() + " on " + stream.channel();
      Set<Position> seen = new HashSet<>();
      Map<String, Map<String, Long>> pidSeqByEpoch = new HashMap<>();
      List<ClientRecorder.Entry> gapList = new ArrayList<>();
      Position last = stream.start();
      long streamDuplicates = 0;
      for (ClientRecorder.Entry entry : stream.entries()) {
        if (entry.isGap()) {
          gapCount++;
          gapList.add(entry);
          last = entry.position();
          continue;
        }
        Position at = entry.position();
        if (!seen.add(at)) {
          duplicated++;
          streamDuplicates++;
          if (streamDuplicates == 1) {
            violations.add(who + ": " + at + " received twice");
          }
          continue;
        }
        delivered++;
        if (!last.epoch().equals(at.epoch())) {
          outOfOrder++;
          violations.add(who + ": epoch changed " + last + " -> " + at + " without a gap");
        } else if (at.seq() != last.seq() + 1) {
          outOfOrder++;
          violations.add(
              who
                  + ": "
                  + at
                  + " followed "
                  + last
                  + (at.seq() < last.seq() ? " (out of order)" : " (skipped without a gap)"));
        }
        if (!last.epoch().equals(at.epoch()) || at.seq() > last.seq()) {
          last = at;
        }
        if (entry.pid() != null) {
          epochsOfPid.computeIfAbsent(entry.pid(), p -> new HashSet<>()).add(at.epoch());
          Long earlier =
              pidSeqByEpoch
                  .computeIfAbsent(at.epoch(), e -> new HashMap<>())
                  .putIfAbsent(entry.pid(), at.seq());
          if (earlier != null && earlier != at.seq() && appliedTwice.add(entry.pid())) {
            violations.add(
                who
                    + ": publish "
                    + entry.pid()
                    + " applied twice, at seq "
                    + earlier
                    + " and "
                    + at.seq());
          }
        }
      }
      long streamLost = 0;
      Position firstLost = null;
      for (Position position : acked.getOrDefault(stream.channel(), Set.of())) {
        if (!seen.contains(position) && !covered(position, gapList)) {
          streamLost++;
          if (firstLost == null || position.seq() < firstLost.seq()) {
            firstLost = position;
          }
        }
      }
      if (streamLost > 0) {
        lost += streamLost;
        violations.add(who + ": lost " + streamLost + " acknowledged messages, from " + firstLost);
      }
      if (gaps == Scenario.GapPolicy.FORBIDDEN && !gapList.isEmpty()) {
        violations.add(
            who
                + ": unexpected gap "
                + gapList.get(0).gapFrom()
                + " -> "
                + gapList.get(0).position());
      }
      if (gaps == Scenario.GapPolicy.REQUIRED && gapList.isEmpty()) {
        violations.add(who + ": expected a gap (history was lost) but none was signalled");
      }
    }
    long reapplied = epochsOfPid.values().stream().filter(e -> e.size() > 1).count();
    return new Verdict(
        publishes.size(),
        acknowledged,
        publishes.size() - acknowledged,
        delivered,
        lost,
        duplicated,
        outOfOrder,
        gapCount,
        appliedTwice.size(),
        reapplied,
        violations.list());
  }

  /** Whether a signalled gap names {@code position} as lost. */
  static boolean covered(Position position, List<ClientRecorder.Entry> gaps) {
    for (ClientRecorder.Entry gap : gaps) {
      Position from = gap.gapFrom();
      Position to = gap.position();
      if (from.epoch().equals(to.epoch())) {
        if (position.epoch().equals(to.epoch())
            && position.seq() > from.seq()
            && position.seq() <= to.seq()) {
          return true;
        }
      } else if ((position.epoch().equals(from.epoch()) && position.seq() > from.seq())
          || (position.epoch().equals(to.epoch()) && position.seq() <= to.seq())) {
        return true;
      }
    }
    return false;
  }

  /** Collects violation lines, keeping the first few and counting the rest. Not thread-safe. */
  private static final class Violations {
    private final List<String> lines = new ArrayList<>();
    private int dropped;

    void add(String line) {
      if (lines.size() < MAX_LISTED) {
        lines.add(line);
      } else {
        dropped++;
      }
    }

    List<String> list() {
      if (dropped == 0) {
        return lines;
      }
      List<String> all = new ArrayList<>(lines);
      all.add("... and " + dropped + " more");
      return all;
    }
  }
}
