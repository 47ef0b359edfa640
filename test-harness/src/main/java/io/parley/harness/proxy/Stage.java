package io.parley.harness.proxy;

import io.parley.harness.fault.Bandwidth;
import io.parley.harness.fault.Blackhole;
import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.Latency;
import io.parley.harness.fault.ResetPeer;
import io.parley.harness.fault.Slicer;
import io.parley.harness.fault.Timeout;
import io.parley.harness.fault.UpgradeFilter;
import java.util.SplittableRandom;

/**
 * One fault acting on one direction of one connection: Toxiproxy's {@code ToxicStub}. A link chains
 * its stages in the order their rules were added:
 *
 * <pre>
 *   source socket > Stage > Stage > ... > Writer > destination socket
 * </pre>
 *
 * <p>Not thread-safe; loop thread only. A stage keeps the order of what it forwards and hands held
 * data on (or drops it, if that is the fault) when detached.
 */
abstract class Stage implements Sink {

  final FaultRule rule;
  final Link link;
  Sink next;

  Stage(FaultRule rule, Link link) {
    this.rule = rule;
    this.link = link;
  }

  /** The stage for {@code rule}, or null when the rule does not act on links. */
  static Stage create(FaultRule rule, Link link, SplittableRandom random) {
    if (rule.fault() instanceof Latency latency) {
      return new LatencyStage(rule, link, latency, random);
    } else if (rule.fault() instanceof Bandwidth bandwidth) {
      return new BandwidthStage(rule, link, bandwidth);
    } else if (rule.fault() instanceof Slicer slicer) {
      return new SlicerStage(rule, link, slicer, random);
    } else if (rule.fault() instanceof ResetPeer reset) {
      return new ResetPeerStage(rule, link, reset);
    } else if (rule.fault() instanceof Blackhole) {
      return new BlackholeStage(rule, link);
    } else if (rule.fault() instanceof Timeout timeout) {
      return new TimeoutStage(rule, link, timeout);
    } else if (rule.fault() instanceof UpgradeFilter filter) {
      return new UpgradeFilterStage(rule, link, filter);
    }
    return null;
  }

  String name() {
    return rule.name();
  }

  /** Called once after the stage joined the link; may act at once (reset, start a timer). */
  void attach() {}

  /** Bytes this stage holds, counted against the link's limit. */
  long held() {
    return 0;
  }

  /** The rule was removed: forward or drop what is held, cancel timers. The link is rewired. */
  abstract void detach();

  /** The connection closed: cancel timers. Held data is gone with the connection. */
  void release() {}
}
