package io.parley.harness.proxy;

import io.parley.harness.fault.Direction;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of one connection: the fault stages in rule order, then the writer (Toxiproxy's
 * {@code ToxicLink}). Not thread-safe; loop thread only.
 */
final class Link {

  final Direction direction;
  final ProxiedConnection connection;
  final Writer writer;
  private final List<Stage> stages = new ArrayList<>();
  private boolean sourceEnded;
  private Stage resetWhenDrained;

  Link(Direction direction, ProxiedConnection connection, Writer writer) {
    this.direction = direction;
    this.connection = connection;
    this.writer = writer;
  }

  /** Where data read from the source goes first. */
  Sink entry() {
    return stages.isEmpty() ? writer : stages.get(0);
  }

  /** The source socket reached EOF: the end enters the chain, and reading stops. */
  void endSource() {
    if (!sourceEnded) {
      sourceEnded = true;
      entry().end();
    }
  }

  boolean sourceEnded() {
    return sourceEnded;
  }

  /** Appends {@code stage} after the last one, so its fault acts on what the others let through. */
  void add(Stage stage) {
    stage.next = writer;
    if (!stages.isEmpty()) {
      stages.get(stages.size() - 1).next = stage;
    }
    stages.add(stage);
    stage.attach();
  }

  /** Removes the stage of rule {@code name}, letting it hand on what it holds; false if none. */
  boolean remove(String name) {
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      if (stage.name().equals(name)) {
        stages.remove(i);
        if (i > 0) {
          stages.get(i - 1).next = stage.next;
        }
        if (resetWhenDrained == stage) {
          resetWhenDrained = null;
        }
        stage.detach();
        return true;
      }
    }
    return false;
  }

  /** Bytes held along the link, counted against the proxy's per-link limit. */
  long held() {
    long held = writer.queued();
    for (Stage stage : stages) {
      held += stage.held();
    }
    return held;
  }

  /** Asks for a reset once nothing {@code stage} let through is left in the proxy. */
  void resetWhenDrained(Stage stage) {
    resetWhenDrained = stage;
  }

  /** The reason to reset now, or null: a reset was asked for and the data before it has left. */
  String dueReset() {
    if (resetWhenDrained == null) {
      return null;
    }
    long after = writer.queued();
    for (int i = stages.indexOf(resetWhenDrained) + 1; i < stages.size(); i++) {
      after += stages.get(i).held();
    }
    return after == 0 ? "reset_peer fault '" + resetWhenDrained.name() + "'" : null;
  }

  /** The connection closed: stop every stage's timers. */
  void release() {
    for (Stage stage : stages) {
      stage.release();
    }
  }
}
