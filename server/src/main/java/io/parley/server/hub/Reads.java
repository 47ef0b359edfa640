package io.parley.server.hub;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one stateless read ({@link Hub#read}) collected: each channel read, in the order asked, with
 * its replay. Filled by one read's stage callbacks, one at a time, and not changed once the stage
 * completes; read it from the stage's callback.
 */
public final class Reads {
  private final Map<String, Replay> replays = new LinkedHashMap<>();
  int messageCount;

  Reads() {}

  Reads add(String channel, Replay replay) {
    replays.put(channel, replay);
    messageCount += replay.messages().size();
    return this;
  }

  /** Each channel read, in the order asked; a channel left out found no room under the limit. */
  public Map<String, Replay> replays() {
    return Collections.unmodifiableMap(replays);
  }
}
