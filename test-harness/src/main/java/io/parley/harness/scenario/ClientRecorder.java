package io.parley.harness.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.client.ClientListener;
import io.parley.client.Gap;
import io.parley.client.Message;
import io.parley.client.MessageHandler;
import io.parley.client.ParleyClient;
import io.parley.client.StatusChanged;
import io.parley.client.Subscription;
import io.parley.client.TransportChanged;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Position;
import io.parley.protocol.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Thread-safe: records what one subscribing client saw, per channel in arrival order (messages and
 * gaps) and its status and transport changes, each stamped with the scenario's clock. Handlers and
 * listeners run on the client's dispatcher; the runner reads the logs from its own thread.
 */
final class ClientRecorder implements ClientListener {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int index;
  private final ParleyClient client;
  private final LongSupplier clock;
  private final Signal signal;
  private final BrokenMode broken;
  private final Map<String, List<Entry>> received = new LinkedHashMap<>();
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private final Map<String, Position> starts = new HashMap<>();
  private final List<Transition> transitions = new ArrayList<>();

  ClientRecorder(
      int index, ParleyClient client, LongSupplier clock, Signal signal, BrokenMode broken) {
    this.index = index;
    this.client = client;
    this.clock = clock;
    this.signal = signal;
    this.broken = broken;
    client.addListener(this);
  }

  /** One thing a subscription delivered: a message (gapFrom null) or a gap ending at position. */
  record Entry(Position position, Position gapFrom, String pid, long atMillis) {
    boolean isGap() {
      return gapFrom != null;
    }
  }

  /**
   * A status or transport change. {@code kind} is {@code status} or {@code transport}; {@code
   * cause} is the failure that caused a status change, or null.
   */
  record Transition(long atMillis, String kind, String from, String to, String cause) {}

  int index() {
    return index;
  }

  ParleyClient client() {
    return client;
  }

  /** Subscribes to {@code channel}, from {@code start}: the first message must follow it. */
  synchronized void subscribe(String channel, Position start) {
    received.putIfAbsent(channel, new ArrayList<>());
    starts.put(channel, start);
    subscriptions.put(channel, client.subscribe(channel, start, handler(channel)));
  }

  /** Where the subscription to {@code channel} started. */
  synchronized Position start(String channel) {
    return starts.get(channel);
  }

  /** Whether the client is connected with one of {@code statuses}, on {@code transport} if set. */
  boolean is(Set<ConnectionStatus> statuses, Transport transport) {
    if (!statuses.contains(client.status())) {
      return false;
    }
    return transport == null || client.transport().filter(transport::equals).isPresent();
  }

  /** The last position delivered on {@code channel} (message or gap end), or null. */
  synchronized Position lastPosition(String channel) {
    List<Entry> entries = received.get(channel);
    return entries == null || entries.isEmpty() ? null : entries.get(entries.size() - 1).position();
  }

  synchronized Map<String, List<Entry>> received() {
    Map<String, List<Entry>> copy = new LinkedHashMap<>();
    received.forEach((channel, entries) -> copy.put(channel, List.copyOf(entries)));
    return copy;
  }

  synchronized List<Transition> transitions() {
    return List.copyOf(transitions);
  }

  @Override
  public void onStatusChanged(StatusChanged event) {
    synchronized (this) {
      transitions.add(
          new Transition(
              clock.getAsLong(),
              "status",
              event.from().name(),
              event.to().name(),
              event.cause() == null ? null : event.cause().getMessage()));
      if (broken != BrokenMode.NONE && event.to() == ConnectionStatus.RECONNECTING) {
        resubscribeWrongly();
      }
    }
    signal.changed();
  }

  @Override
  public void onTransportChanged(TransportChanged event) {
    synchronized (this) {
      transitions.add(
          new Transition(
              clock.getAsLong(),
              "transport",
              event.from() == null ? "-" : event.from().name(),
              event.to() == null ? "-" : event.to().name(),
              null));
    }
    signal.changed();
  }

  /** The bug {@link BrokenMode} asks for, played on each lost connection. */
  private void resubscribeWrongly() {
    for (Map.Entry<String, Subscription> entry : subscriptions.entrySet()) {
      String channel = entry.getKey();
      entry.getValue().unsubscribe();
      Position since = broken == BrokenMode.DEDUP_DISABLED ? starts.get(channel) : null;
      entry.setValue(client.subscribe(channel, since, handler(channel)));
    }
  }

  private MessageHandler handler(String channel) {
    return new MessageHandler() {
      @Override
      public void onMessage(Message message) {
        record(channel, new Entry(message.position(), null, pid(message), clock.getAsLong()));
      }

      @Override
      public void onGap(Gap gap) {
        record(channel, new Entry(gap.to(), gap.from(), null, clock.getAsLong()));
      }
    };
  }

  private void record(String channel, Entry entry) {
    synchronized (this) {
      received.get(channel).add(entry);
    }
    signal.changed();
  }

  /** The publish id the harness's publishers put in each message's data, or null. */
  static String pid(Message message) {
    try {
      JsonNode data = JSON.readTree(message.dataJson());
      JsonNode pid = data == null ? null : data.get("pid");
      return pid == null ? null : pid.asText();
    } catch (IOException e) {
      return "unparseable:" + message.position();
    }
  }
}
