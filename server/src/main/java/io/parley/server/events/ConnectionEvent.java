package io.parley.server.events;

import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import java.time.Duration;
import java.util.Objects;

/**
 * Something that happened to a connection: what metrics count, the connection log writes and an
 * event feed can keep. Immutable and thread-safe.
 */
public sealed interface ConnectionEvent {

  /** The transport the event happened on. */
  TransportKind transport();

  /** A session opened: the connect succeeded. */
  record Connected(Connection connection) implements ConnectionEvent {
    public Connected {
      Objects.requireNonNull(connection, "connection");
    }

    @Override
    public TransportKind transport() {
      return connection.transport();
    }
  }

  /**
   * A session ended.
   *
   * @param connection the connection, on the transport it ended on
   * @param reason why, from {@link DisconnectReason}
   * @param duration how long it was open
   */
  record Disconnected(Connection connection, DisconnectReason reason, Duration duration)
      implements ConnectionEvent {
    public Disconnected {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(duration, "duration");
    }

    @Override
    public TransportKind transport() {
      return connection.transport();
    }
  }

  /**
   * A connection moved to another transport (an Engine.IO upgrade from polling to WebSocket).
   *
   * @param connection the connection, on its new transport
   * @param from the transport it left
   */
  record TransportChanged(Connection connection, TransportKind from) implements ConnectionEvent {
    public TransportChanged {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(from, "from");
    }

    @Override
    public TransportKind transport() {
      return connection.transport();
    }
  }

  /**
   * A connect, an in-band token refresh or an HTTP request was refused: a token that did not verify
   * ({@link #authentication()}) or a limit. Refusals of single requests on an open connection (a
   * forbidden channel) are not connection events.
   *
   * @param transport where
   * @param address the peer's address, or {@code "unknown"}
   * @param user the session's subject for a refused refresh, else {@code null}
   * @param code why
   * @param stage what was refused
   */
  record Refused(TransportKind transport, String address, String user, ErrorCode code, Stage stage)
      implements ConnectionEvent {
    public Refused {
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(stage, "stage");
    }

    /** Whether a token was refused (an authentication failure). */
    public boolean authentication() {
      return code.category() == ErrorCategory.AUTHENTICATION;
    }
  }

  /** What a {@link Refused} event refused. */
  enum Stage {
    /** Opening a session (Socket.IO CONNECT, {@code /ws} hello). */
    CONNECT,
    /** An in-band token refresh on an open session. */
    REFRESH,
    /** A stateless HTTP poll or publish. */
    REQUEST
  }
}
