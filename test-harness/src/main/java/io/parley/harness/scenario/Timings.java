package io.parley.harness.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Stateless and thread-safe: turns the timeline's marks (when a failure was caused or removed) and
 * each client's status changes into the times a scorecard reports.
 *
 * <ul>
 *   <li><b>detection</b>: from a failure to the client's next {@code RECONNECTING};
 *   <li><b>working transport</b>: from a failure (or from {@code connect}) to the client's next
 *       {@code CONNECTED} or {@code FALLBACK} after it detected the failure;
 *   <li><b>climb back</b>: from a recovery to the client's next {@code CONNECTED} (best transport),
 *       for clients that were not {@code CONNECTED} when the recovery began.
 * </ul>
 *
 * A failure's window ends at the next failure or connect mark; a client that did not notice a
 * failure in its window (latency, a bandwidth cap) has no detection time for it.
 */
public final class Timings {

  private Timings() {}

  /** Immutable and thread-safe: what kind of moment a mark is. */
  public enum MarkKind {
    /** The clients were started. */
    CONNECT,
    /** Something was broken: fault added, connections reset, server killed. */
    FAILURE,
    /** Something was repaired: fault removed, server started. */
    RECOVERY
  }

  /** Immutable and thread-safe: a moment on the scenario clock, in milliseconds since start. */
  public record Mark(long atMillis, MarkKind kind, String label) {
    public Mark {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(label, "label");
    }
  }

  /** Immutable and thread-safe: one client's status change, in milliseconds since start. */
  public record StatusAt(long atMillis, String from, String to) {}

  /**
   * Immutable and thread-safe: a distribution of times in milliseconds; every field is 0 when
   * {@code count} is 0.
   */
  public record Stats(int count, long min, long p50, long p90, long max) {

    static Stats of(List<Long> values) {
      if (values.isEmpty()) {
        return new Stats(0, 0, 0, 0, 0);
      }
      List<Long> sorted = values.stream().sorted().toList();
      return new Stats(
          sorted.size(),
          sorted.get(0),
          percentile(sorted, 50),
          percentile(sorted, 90),
          sorted.get(sorted.size() - 1));
    }

    /** 10th to 90th percentile: how widely the values spread. */
    static long spread(List<Long> values) {
      if (values.size() < 2) {
        return 0;
      }
      List<Long> sorted = values.stream().sorted().toList();
      return percentile(sorted, 90) - percentile(sorted, 10);
    }

    private static long percentile(List<Long> sorted, int percent) {
      int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
  }

  /**
   * Immutable and thread-safe: the times for one mark, over the clients.
   *
   * @param mark the moment
   * @param detection per client that detected it
   * @param working per client that reached a working transport after it (or after connect)
   * @param climb per client that climbed back to the best transport after a recovery
   * @param spread for failures: how widely the working-transport times spread (p90 - p10)
   * @param raw every client's times, in client order: detection, working, climb
   */
  public record MarkTimes(
      Mark mark, Stats detection, Stats working, Stats climb, long spread, List<List<Long>> raw) {
    public MarkTimes {
      raw = raw.stream().map(List::copyOf).toList();
    }
  }

  /** Times for each mark, in mark order. */
  public static List<MarkTimes> compute(List<Mark> marks, List<List<StatusAt>> clients) {
    List<MarkTimes> result = new ArrayList<>();
    for (int i = 0; i < marks.size(); i++) {
      Mark mark = marks.get(i);
      long windowEnd = Long.MAX_VALUE;
      for (int j = i + 1; j < marks.size(); j++) {
        if (marks.get(j).kind() != MarkKind.RECOVERY) {
          windowEnd = marks.get(j).atMillis();
          break;
        }
      }
      List<Long> detection = new ArrayList<>();
      List<Long> working = new ArrayList<>();
      List<Long> climb = new ArrayList<>();
      for (List<StatusAt> changes : clients) {
        switch (mark.kind()) {
          case CONNECT -> {
            Long up = firstTo(changes, mark.atMillis(), windowEnd, true, false);
            if (up != null) {
              working.add(up - mark.atMillis());
            }
          }
          case FAILURE -> {
            Long down = firstTo(changes, mark.atMillis(), windowEnd, false, false);
            if (down != null) {
              detection.add(down - mark.atMillis());
              Long up = firstTo(changes, down, windowEnd, true, false);
              if (up != null) {
                working.add(up - mark.atMillis());
              }
            }
          }
          case RECOVERY -> {
            if (!"CONNECTED".equals(statusAt(changes, mark.atMillis()))) {
              Long best = firstTo(changes, mark.atMillis(), windowEnd, true, true);
              if (best != null) {
                climb.add(best - mark.atMillis());
              }
            }
          }
        }
      }
      result.add(
          new MarkTimes(
              mark,
              Stats.of(detection),
              Stats.of(working),
              Stats.of(climb),
              mark.kind() == MarkKind.FAILURE ? Stats.spread(working) : 0,
              List.of(detection, working, climb)));
    }
    return result;
  }

  private static Long firstTo(
      List<StatusAt> changes, long from, long until, boolean up, boolean bestOnly) {
    for (StatusAt change : changes) {
      if (change.atMillis() < from || change.atMillis() >= until) {
        continue;
      }
      boolean match =
          up
              ? "CONNECTED".equals(change.to()) || (!bestOnly && "FALLBACK".equals(change.to()))
              : "RECONNECTING".equals(change.to());
      if (match) {
        return change.atMillis();
      }
    }
    return null;
  }

  private static String statusAt(List<StatusAt> changes, long at) {
    String status = "DISCONNECTED";
    for (StatusAt change : changes) {
      if (change.atMillis() > at) {
        break;
      }
      status = change.to();
    }
    return status;
  }
}
