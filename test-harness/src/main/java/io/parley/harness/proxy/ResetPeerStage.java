package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.ResetPeer;
import java.nio.ByteBuffer;

/**
 * Lets {@code afterBytes} bytes through, drops the rest, and asks the link to reset the connection
 * once what it let through has left the proxy. With {@code afterBytes == 0} resets on attach.
 */
final class ResetPeerStage extends Stage {

  private long remaining;
  private boolean tripped;

  ResetPeerStage(FaultRule rule, Link link, ResetPeer reset) {
    super(rule, link);
    this.remaining = reset.afterBytes();
  }

  @Override
  void attach() {
    if (remaining == 0) {
      tripped = true;
      link.connection.reset("reset_peer fault '" + name() + "'");
    }
  }

  @Override
  public void accept(ByteBuffer data) {
    if (tripped) {
      return;
    }
    if (data.remaining() < remaining) {
      remaining -= data.remaining();
      next.accept(data);
      return;
    }
    ByteBuffer allowed = data.slice(data.position(), (int) remaining);
    remaining = 0;
    tripped = true;
    next.accept(allowed);
    link.resetWhenDrained(this);
  }

  @Override
  public void end() {
    if (!tripped) {
      next.end();
    }
  }

  @Override
  void detach() {
    // Nothing held. The link forgets a pending reset when it removes this stage.
  }
}
