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

  /** Kills the server (SIGKILL); a failure for the timing report. Needs a runner-started server. */
  record KillServer() implements Step {
    @Override
    public String describe() {
      return "kill_server";
    }
  }

  /** Starts the killed server again on the same port; a recovery for the timing report. */
  record StartServer() implements Step {
    @Override
    public String describe() {
      return "start_server";
    }
  }

  /** Kills the server and starts it again at once: a failure, then a recovery. */
  record RestartServer() implements Step {
    @Override
    public String describe() {
      return "restart_server";
    }
  }
}
