package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.Timeout;
import java.nio.ByteBuffer;

/**
 * Drops all data and closes the connection after the timeout (never, for zero). Detaching closes
 * the connection: the dropped bytes left its stream corrupt (Toxiproxy does the same).
 */
final class TimeoutStage extends Stage {

  private final Timeout timeout;
  private EventLoop.Timer timer;

  TimeoutStage(FaultRule rule, Link link, Timeout timeout) {
    super(rule, link);
    this.timeout = timeout;
  }

  @Override
  void attach() {
    if (!timeout.after().isZero()) {
      timer =
          link.connection.schedule(
              timeout.after().toNanos(),
              () -> link.connection.close("timeout fault '" + name() + "' elapsed"));
    }
  }

  @Override
  public void accept(ByteBuffer data) {
    // Dropped on purpose: this fault loses data, as Toxiproxy's timeout toxic does.
  }

  @Override
  public void end() {
    next.end();
  }

  @Override
  void detach() {
    release();
    link.connection.close("timeout fault '" + name() + "' removed after dropping data");
  }

  @Override
  void release() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
