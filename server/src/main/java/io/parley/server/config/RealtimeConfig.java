package io.parley.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/**
 * Every Parley setting, under {@code realtime.} in {@code application.properties}, each overridable
 * by an environment variable ({@code realtime.history.size} is {@code REALTIME_HISTORY_SIZE}). The
 * defaults run one node with nothing else installed. {@code docs/configuration.md} lists them all.
 * Immutable and thread-safe.
 */
@ConfigMapping(prefix = "realtime")
public interface RealtimeConfig {

  /** This node's id, reported in {@code welcome}; defaults to a random one per start. */
  Optional<String> nodeId();

  /** Channel history. */
  History history();

  /** Publish idempotency. */
  Idempotency idempotency();

  /** Which transports this node offers; all of them by default. */
  Transports transports();

  /** Heartbeats on {@code /ws}. */
  Heartbeat heartbeat();

  /** Stateless HTTP polling. */
  Poll poll();

  /** Socket.IO (Engine.IO v4 / Socket.IO v5) at {@code /socket.io/}. */
  SocketIo socketio();

  /** Tokens and channel permissions ({@code docs/security.md}). */
  Auth auth();

  /** Per-connection, per-user and per-node limits (abuse and overload protection). */
  Limits limits();

  /** The stateless HTTP transport's browser settings. */
  Http http();

  /** Database-driven events from PostgreSQL ({@code docs/postgres.md}); off by default. */
  Postgres postgres();

  /** Limits below the session level: request headers, idle HTTP connections, {@code hello}. */
  Connections connections();

  /** Who may open a WebSocket ({@code /ws} and Socket.IO's). */
  Websocket websocket();

  /** Graceful drain ({@code POST /realtime/admin/drain}, SIGTERM); {@code docs/operations.md}. */
  Drain drain();

  /** The admin API under {@code /realtime/admin/} ({@code docs/operations.md}). */
  Admin admin();

  /** Transport self-tests behind {@code /q/health/ready} and {@code /realtime/status}. */
  Health health();

  /** Largest native frame or HTTP body accepted, in bytes. */
  @WithDefault("65536")
  int maxFrameBytes();

  /**
   * Frames queued for one connection and not yet written; a subscriber past it is disconnected with
   * {@code SLOW_CONSUMER} and resumes from its position. Also bounds the live messages buffered
   * while a replay is read.
   */
  @WithDefault("4096")
  int outboundQueueSize();

  /**
   * Whether WebSockets (Socket.IO's and {@code /ws}) are compressed with permessage-deflate when a
   * client asks for it. Messages of at least {@link #compressionThreshold} bytes go out deflated
   * without context takeover, so a message fanned out to many subscribers is deflated once; smaller
   * ones go out plain. Off by default: deflate costs CPU.
   */
  @WithDefault("false")
  boolean websocketCompression();

  /**
   * Whether HTTP answers (Engine.IO polling, {@code /realtime/poll}, problems) of at least {@link
   * #compressionThreshold} bytes are gzip or deflate compressed when the request's {@code
   * Accept-Encoding} allows it. On by default, as the reference Socket.IO server does.
   */
  @WithDefault("true")
  boolean httpCompression();

  /**
   * The smallest body, in bytes, that is compressed, over HTTP and WebSocket alike; smaller ones
   * cost more to deflate than they save. 1024 by default, as the reference server. At least 0.
   */
  @WithDefault("1024")
  int compressionThreshold();

  /** Parley's meters at {@code /q/metrics} ({@code docs/operations.md}, "Metrics"). */
  Metrics metrics();

  /** The connection log and warnings ({@code docs/operations.md}, "Logs"). */
  Log log();

  /**
   * Frame-level tracing of the connections picked by {@code realtime.debug.user} or {@code
   * realtime.debug.session} (every connection when neither is set), logged at {@code DEBUG} in
   * category {@code io.parley.frames}. Off by default: a traced connection logs every frame.
   */
  @WithName("debug")
  @WithDefault("false")
  boolean debug();

  /** With {@code realtime.debug}, trace only the connections of this token subject. */
  @WithName("debug.user")
  Optional<String> debugUser();

  /** With {@code realtime.debug}, trace only this hub session id. */
  @WithName("debug.session")
  Optional<String> debugSession();

  /** How often unused channel state and expired idempotency keys are dropped. */
  @WithDefault("30s")
  Duration expiryInterval();

  /**
   * Limits that keep one client, one user or a crowd from taking the node down. Each is documented
   * with what happens when it is exceeded in {@code docs/configuration.md}.
   */
  interface Limits {
    /**
     * Channels one connection may subscribe to; its automatic {@code session:} and {@code user:}
     * channels are not counted. More get {@code TOO_MANY_SUBSCRIPTIONS}.
     */
    @WithDefault("100")
    int maxSubscriptions();

    /**
     * Publishes per second one connection (or, over HTTP, one token subject or anonymous client
     * address) may sustain; past it and its burst, publishes get {@code RATE_LIMITED}.
     */
    @WithDefault("50")
    double publishRate();

    /** Publishes allowed at once above the sustained rate (the token bucket's size). */
    @WithDefault("100")
    int publishBurst();

    /**
     * HTTP publishers (subjects or addresses) whose rate is tracked at most; past it the least
     * recently seen is forgotten (it starts again with a full burst).
     */
    @WithDefault("100000")
    int httpPublishers();

    /**
     * Open connections one token subject may have; more are refused with {@code
     * TOO_MANY_CONNECTIONS}. Anonymous connections are not counted.
     */
    @WithDefault("100")
    int maxConnectionsPerUser();

    /**
     * Open sessions on this node; past it new WebSocket upgrades, Engine.IO handshakes and HTTP
     * polls are answered 503 {@code SERVER_UNAVAILABLE}.
     */
    @WithDefault("100000")
    int maxConnections();

    /** The {@code Retry-After} sent with a 503 when the node is full. */
    @WithDefault("5s")
    Duration overloadRetryAfter();
  }

  /**
   * Limits on raw connections, before any session exists. The node-wide cap on TCP connections is
   * Quarkus' {@code quarkus.http.limits.max-connections}, checked against the open-file limit at
   * startup ({@code docs/configuration.md}).
   */
  interface Connections {
    /**
     * A connection that sends nothing for this long before the headers of its first request are
     * complete is closed. It replaces {@code quarkus.http.idle-timeout} until that first request.
     */
    @WithDefault("10s")
    Duration headerTimeout();

    /**
     * An HTTP connection silent for this long after its first request is closed; WebSockets are
     * watched by their heartbeats instead. Must be longer than the longest legitimate silence (a
     * long-poll's {@code poll.max-wait}, Socket.IO's ping interval plus ping timeout, the {@code
     * /ws} heartbeat timeout): the server refuses to start otherwise. Replaces {@code
     * quarkus.http.idle-timeout}.
     */
    @WithDefault("2m")
    Duration idleTimeout();

    /**
     * A {@code /ws} connection that has not sent {@code hello} within this time of its upgrade is
     * closed with {@code HELLO_REQUIRED} (close 1008).
     */
    @WithDefault("10s")
    Duration helloTimeout();
  }

  /** WebSocket upgrades on {@code /ws} and {@code /socket.io/}. */
  interface Websocket {
    /**
     * Browser origins ({@code Origin} header) allowed to open a WebSocket; {@code *} allows any. An
     * upgrade from another origin is answered 403 {@code FORBIDDEN} before it happens; one without
     * an {@code Origin} (not a browser) is let through. Absent: no check.
     */
    Optional<java.util.List<String>> allowedOrigins();
  }

  /** Browser access to {@code /realtime/poll} and {@code /realtime/publish}. */
  interface Http {
    /**
     * Origins allowed by CORS on {@code /realtime/*}; {@code *} allows any (not with credentials).
     * Absent: no CORS headers are sent.
     */
    Optional<java.util.List<String>> corsOrigins();

    /** Whether CORS responses allow credentials; the request's origin is then echoed. */
    @WithDefault("false")
    boolean corsCredentials();
  }

  /** Channel history settings. */
  interface History {
    /** Messages kept per channel. */
    @WithDefault("1000")
    int size();

    /** How long a message stays in history. */
    @WithDefault("10m")
    Duration maxAge();
  }

  /** Publish idempotency settings. */
  interface Idempotency {
    /** How long a publish id is remembered: a retry within it is acknowledged, not applied. */
    @WithDefault("10m")
    Duration window();

    /** How many publish ids are remembered at most; the oldest are forgotten first. */
    @WithDefault("1000000")
    int maxEntries();
  }

  /** Transport self-tests ({@code docs/operations.md}, "Health"). */
  interface Health {
    /**
     * Whether the self-tests run. Off, the node reports {@code UNTESTED} and readiness follows only
     * the backplane and the readiness gates; for tests that count connections, and nodes watched
     * only from outside.
     */
    @WithDefault("true")
    boolean enabled();

    /** How often every enabled transport is self-tested after the first round at startup. */
    @WithDefault("30s")
    Duration interval();

    /** A self-test not done within this time (connect to receipt) fails. */
    @WithDefault("5s")
    Duration timeout();
  }

  /** Heartbeat settings for {@code /ws}. */
  interface Heartbeat {
    /** How often the server sends {@code ping}. */
    @WithDefault("25s")
    Duration interval();

    /** A connection silent for this long is closed with {@code HEARTBEAT_TIMEOUT}. */
    @WithDefault("45s")
    Duration timeout();
  }

  /** Stateless HTTP polling settings. */
  interface Poll {
    /** Largest {@code waitMs} a long-poll may ask for. */
    @WithDefault("30s")
    Duration maxWait();

    /** Most messages returned by one poll; the rest follow on the next one. */
    @WithDefault("1000")
    int maxMessages();

    /** Most channels one poll may list. */
    @WithDefault("100")
    int maxChannels();
  }

  /** Socket.IO settings; the defaults are those of the reference Node server. */
  /**
   * Transport switches, each on by default: a transport turned off behaves as if absent, in the way
   * its own protocol says ({@code docs/configuration.md}).
   */
  interface Transports {
    /** Socket.IO altogether, at {@code /socket.io/}. */
    @WithDefault("true")
    boolean socketio();

    /** Engine.IO HTTP long-polling under Socket.IO (clients must then start on WebSocket). */
    @WithDefault("true")
    boolean socketioPolling();

    /** Engine.IO WebSocket under Socket.IO, first or as the upgrade from polling. */
    @WithDefault("true")
    boolean socketioWebsocket();

    /** The native WebSocket at {@code /ws}. */
    @WithDefault("true")
    boolean websocket();

    /** Stateless HTTP polling at {@code /realtime/poll} ({@code /realtime/publish} stays on). */
    @WithDefault("true")
    boolean httpPoll();

    /** Whether Socket.IO is on with at least one Engine.IO transport. */
    default boolean socketioOffered() {
      return socketio() && (socketioPolling() || socketioWebsocket());
    }

    /** Whether a client can connect at all: at least one transport is on. */
    default boolean anyOffered() {
      return socketioOffered() || websocket() || httpPoll();
    }
  }

  interface SocketIo {
    /** How often the server sends an Engine.IO ping. */
    @WithDefault("25s")
    Duration pingInterval();

    /** How long the server waits for the pong before it closes the connection. */
    @WithDefault("20s")
    Duration pingTimeout();

    /**
     * Largest HTTP long-polling body or WebSocket message accepted, in bytes; announced to clients
     * as {@code maxPayload}.
     */
    @WithDefault("1000000")
    int maxHttpBufferSize();

    /** An Engine.IO connection that joins no namespace within this time is closed. */
    @WithDefault("45s")
    Duration connectTimeout();

    /** A polling-to-websocket upgrade that does not complete within this time is abandoned. */
    @WithDefault("10s")
    Duration upgradeTimeout();

    /**
     * Origins allowed by CORS on {@code /socket.io/}; {@code *} allows any (not with credentials).
     * Absent: no CORS headers are sent (same-origin pages and non-browser clients only).
     */
    Optional<java.util.List<String>> corsOrigins();

    /** Whether CORS responses allow credentials (cookies); the request's origin is echoed. */
    @WithDefault("false")
    boolean corsCredentials();

    /**
     * Whether the official JS client ({@code socket.io.js}, {@code socket.io.min.js}, {@code
     * socket.io.esm.min.js} and their source maps) is served under {@code /socket.io/}, as the
     * reference server's {@code serveClient}. The files are in the jar; nothing is fetched.
     */
    @WithDefault("true")
    boolean serveClient();

    /**
     * Conformance mode for the official protocol test suites: a bare echo Engine.IO endpoint at
     * {@code /engine.io/}, echo handlers on {@code /} and a {@code /custom} namespace. Never on in
     * production.
     */
    @WithDefault("false")
    boolean conformance();
  }

  /**
   * Tokens and channel permissions. Keys, issuer and audience are SmallRye JWT's mp.jwt.verify.*.
   */
  interface Auth {
    /**
     * {@code jwt} verifies tokens with the {@code mp.jwt.verify.*} key; {@code dev} makes a key
     * pair at startup and prints a token signed with it, and is refused outside the dev and test
     * profiles.
     */
    @WithDefault("jwt")
    Mode mode();

    /** The claim listing the channel patterns a token may subscribe to. */
    @WithDefault("channels")
    String subscribeClaim();

    /** The claim listing the channel patterns a token may publish to. */
    @WithDefault("publish")
    String publishClaim();

    /** The {@code groups} entry that lets a backend publish to any channel. */
    @WithDefault("publisher")
    String publisherRole();

    /** The {@code groups} entry for admin operations. */
    @WithDefault("admin")
    String adminRole();

    /**
     * How long a connection whose token expired may keep going while it sends a fresh one in-band;
     * after it, the connection is closed with {@code TOKEN_EXPIRED}.
     */
    @WithDefault("30s")
    Duration refreshGrace();

    /**
     * How long past its {@code exp} a token still counts as valid, for clocks that disagree. The
     * same for new connections and for the refresh of connected ones (SmallRye JWT's own leeway is
     * not used for expiry).
     */
    @WithDefault("0s")
    Duration clockSkew();

    /** Access without a token. */
    Anonymous anonymous();

    /** The dev profile's ephemeral key. */
    Dev dev();

    /** How tokens are verified. */
    enum Mode {
      /** With the configured key ({@code mp.jwt.verify.publickey.location} and friends). */
      JWT,
      /** With a key pair made at startup; dev and test profiles only. */
      DEV
    }

    /** Access without a token: off unless an operator turns it on. */
    interface Anonymous {
      /** Whether a connection or request without a token is let in. A bad token never is. */
      @WithDefault("false")
      boolean enabled();

      /** Channel patterns anonymous connections may subscribe to. */
      Optional<java.util.List<String>> subscribe();

      /** Channel patterns anonymous connections may publish to. */
      Optional<java.util.List<String>> publish();

      /** Whether anonymous requests have the publisher role (publish anywhere). */
      @WithDefault("false")
      boolean publisher();
    }

    /** The dev profile's ephemeral key and the token printed at startup. */
    interface Dev {
      /** The printed token's subject. */
      @WithDefault("dev")
      String subject();

      /** How long the printed token is valid. */
      @WithDefault("24h")
      Duration tokenLifetime();

      /** A file the printed token is also written to, for scripts. */
      Optional<java.nio.file.Path> tokenFile();
    }
  }

  /**
   * Events from PostgreSQL: a transactional outbox table and a LISTEN/NOTIFY bridge. Both use the
   * reactive datasource ({@code quarkus.datasource.reactive.url}, {@code
   * quarkus.datasource.username}, {@code quarkus.datasource.password}); with neither on, no
   * database is needed or contacted.
   */
  interface Postgres {
    /** The transactional outbox. */
    Outbox outbox();

    /**
     * PostgreSQL channels whose {@code NOTIFY} payloads ({@code {"channel", "event", "data"}}) are
     * published as they come: at most once. Absent: no bridge.
     */
    Optional<java.util.List<String>> listen();

    /** The first wait before reconnecting a lost listening connection; doubles up to the max. */
    @WithDefault("500ms")
    Duration reconnectInitial();

    /** The longest wait between reconnection attempts. */
    @WithDefault("30s")
    Duration reconnectMax();

    /** The outbox table and its worker. */
    interface Outbox {
      /** Whether this node publishes the outbox table's rows. */
      @WithDefault("false")
      boolean enabled();

      /** The schema of the outbox table: a lower-case SQL identifier. */
      @WithDefault("public")
      String schema();

      /** The outbox table: a lower-case SQL identifier. */
      @WithDefault("parley_outbox")
      String table();

      /**
       * Whether the node creates the schema, table and trigger at startup when missing (the
       * migration shipped as {@code db/parley/outbox.sql}). Off: the application runs it.
       */
      @WithDefault("false")
      boolean createTable();

      /**
       * How often the table is read without a notification: catches rows whose {@code NOTIFY} was
       * missed while this node was away or reconnecting.
       */
      @WithDefault("5s")
      Duration sweep();

      /** Rows read and published per transaction. */
      @WithDefault("500")
      int batchSize();

      /** What happens to a published row. */
      @WithDefault("delete")
      AfterPublish afterPublish();

      /** With {@code mark}: how long a published row is kept before it is pruned. */
      @WithDefault("24h")
      Duration retention();

      /** What happens to an outbox row once it is published. */
      enum AfterPublish {
        /** Deleted in the transaction that read it. */
        DELETE,
        /** Stamped with {@code published_at}, and deleted after {@code retention}. */
        MARK
      }
    }
  }

  /** Graceful drain: how connected clients are sent elsewhere before the node stops. */
  interface Drain {
    /**
     * Over how long the {@code reconnect} hints' delays are spread, so that clients do not all come
     * back at once; each session gets its own delay in {@code [0, spread)} (capped by the
     * deadline).
     */
    @WithDefault("10s")
    Duration spread();

    /**
     * How long after a drain starts the node closes the connections still open; {@code POST
     * /realtime/admin/drain} may name another. On SIGTERM the node waits this long at most.
     */
    @WithDefault("30s")
    Duration deadline();

    /**
     * Seed of the per-session delays; the same seed and session id give the same delay. Random per
     * start when unset.
     */
    Optional<Long> seed();
  }

  /** The admin API. */
  interface Admin {
    /**
     * After an operator disconnects a user with {@code mayReconnect=false}, how long that user's
     * HTTP polls are refused with {@code DISCONNECTED_NO_RECONNECT} (a poll has no connection to
     * close). The refusal is told once when {@code mayReconnect=true}.
     */
    @WithDefault("10m")
    Duration noReconnectWindow();

    /** The ring of recent events behind {@code GET /realtime/admin/events} and the live feed. */
    EventLog eventLog();

    /** The dashboards' live feed at {@code /realtime/admin/live}. */
    Live live();

    /** The event log. */
    interface EventLog {
      /** How many of the newest events the node keeps; older ones are dropped. At least 1. */
      @WithDefault("10000")
      int size();
    }

    /** The live feed. */
    interface Live {
      /**
       * Event lines one dashboard may have waiting to be written; when full the oldest are dropped
       * and the dashboard is told how many ({@code lost}). At least 1.
       */
      @WithDefault("1000")
      int queue();
    }
  }

  /** Parley's metrics. */
  interface Metrics {
    /**
     * Whether Parley registers and counts its meters. Off, the fan-out path counts nothing and
     * {@code /q/metrics} shows only Quarkus' own (JVM, HTTP) meters.
     */
    @WithDefault("true")
    boolean enabled();
  }

  /** Logs. */
  interface Log {
    /**
     * Whether the console writes one JSON object per line (JBoss LogManager's {@code
     * JsonFormatter}) instead of Quarkus' text format.
     */
    @WithDefault("false")
    boolean json();

    /**
     * An identical warning (same logger and message key) is written at most once per this interval;
     * the next one written says how many were suppressed.
     */
    @WithDefault("60s")
    Duration warningInterval();
  }
}
