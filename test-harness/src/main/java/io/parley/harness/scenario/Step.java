package io.parley.harness.scenario;

import io.parley.harness.fault.FaultRule;
import io.parley.protocol.ConnectionStatus;
import io.parley.protocol.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable and thread-safe: one step of a scenario's timeline. The runner performs the steps in
 * order; each one's {@link #describe()} appears in the report with the time it started.
 */
public sealed interface Step {

  /** What the step does, for reports: {@code fault rst (reset_peer downstream)}. */
  String describe();

  /** Builds and connects the clients and starts the publishers (at the start if not listed). */
  record Connect() implements Step {
    @Override
    public String describe() {
      return "connect";
    }
  }

  /** Adds a fault to the proxy; a failure for the timing report. */
  record AddFault(FaultRule rule) implements Step {
    public AddFault {
      Objects.requireNonNull(rule, "rule");
    }

    @Override
    public String describe() {
      return "fault "
          + rule.name()
          + " ("
          + rule.fault().type().wireName()
          + " "
          + rule.direction().wireName()
          + ")";
    }
  }

  /** Removes one fault; a recovery for the timing report. */
  record RemoveFault(String name) implements Step {
    public RemoveFault {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String describe() {
      return "remove " + name;
    }
  }

  /** Removes every fault; a recovery for the timing report. */
  record ClearFaults() implements Step {
    @Override
    public String describe() {
      return "clear_faults";
    }
  }

  /** Resets (RST) every live proxied connection; a failure for the timing report. */
  record DisconnectAll() implements Step {
    @Override
    public String describe() {
      return "disconnect_all";
    }
  }

  /** Lets time pass (real time: the server and clients are real processes and threads). */
  record Wait(Duration duration) implements Step {
    public Wait {
      Objects.requireNonNull(duration, "duration");
    }

    @Override
    public String describe() {
      return "wait " + Durations.format(duration);
    }
  }

  /**
   * Waits until every subscribing client has one of {@code statuses} and, when {@code transport} is
   * set, is on it. Not reaching it within {@code timeout} is a violation; the timeline goes on.
   */
  record Await(Set<ConnectionStatus> statuses, Transport transport, Duration timeout)
      implements Step {
    public Await {
      statuses = Set.copyOf(statuses);
      Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String describe() {
      return "await "
          + statuses.stream().map(Enum::name).sorted().toList()
          + (transport == null ? "" : " on " + transport)
          + " within "
          + Durations.format(timeout);
    }
  }

  /**
   * Kills the server, every node of it (SIGKILL); a failure for the timing report. Needs a
   * runner-started server.
   */
  record KillServer() implements Step {
    @Override
    public String describe() {
      return "kill_server";
    }
  }

  /**
   * Starts the killed server (every node not running) again on the same port; a recovery for the
   * timing report.
   */
  record StartServer() implements Step {
    @Override
    public String describe() {
      return "start_server";
    }
  }

  /** Kills the server (every node) and starts it again at once: a failure, then a recovery. */
  record RestartServer() implements Step {
    @Override
    public String describe() {
      return "restart_server";
    }
  }

  /**
   * Kills one node (SIGKILL), after the balancer stops sending it new connections; a failure for
   * the timing report. Its clients reconnect through the balancer to another node.
   *
   * @param node the node's index, from 0
   */
  record KillNode(int node) implements Step {
    public KillNode {
      requireNode(node);
    }

    @Override
    public String describe() {
      return "kill_node " + node;
    }
  }

  /**
   * Starts a killed node again on its port, then lets the balancer send it connections; a recovery
   * for the timing report.
   *
   * @param node the node's index, from 0
   */
  record StartNode(int node) implements Step {
    public StartNode {
      requireNode(node);
    }

    @Override
    public String describe() {
      return "start_node " + node;
    }
  }

  /**
   * Kills one node and starts it again at once: a failure, then a recovery.
   *
   * @param node the node's index, from 0
   */
  record RestartNode(int node) implements Step {
    public RestartNode {
      requireNode(node);
    }

    @Override
    public String describe() {
      return "restart_node " + node;
    }
  }

  /**
   * Stops the runner's Redis with {@code SHUTDOWN SAVE}: Redis is down, its data kept for {@link
   * StartRedis}; a failure for the timing report.
   */
  record StopRedis() implements Step {
    @Override
    public String describe() {
      return "stop_redis";
    }
  }

  /**
   * Kills the runner's Redis (SIGKILL); it had no persistence, so {@link StartRedis} brings it back
   * empty; a failure for the timing report.
   */
  record KillRedis() implements Step {
    @Override
    public String describe() {
      return "kill_redis";
    }
  }

  /**
   * Starts the runner's Redis again on its port, with what {@link StopRedis} kept (nothing after
   * {@link KillRedis}); a recovery for the timing report.
   */
  record StartRedis() implements Step {
    @Override
    public String describe() {
      return "start_redis";
    }
  }

  private static void requireNode(int node) {
    if (node < 0) {
      throw new IllegalArgumentException("node must be 0 or more but was " + node);
    }
  }
}
