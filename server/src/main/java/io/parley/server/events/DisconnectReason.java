package io.parley.server.events;

import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;

/** Why a connection ended: the {@code reason} tag of disconnects and log field. Immutable. */
public enum DisconnectReason {
  /** The client said goodbye (a close frame on {@code /ws}, a Socket.IO disconnect). */
  CLIENT_CLOSE("client_close"),
  /** The connection went away without a goodbye: reset, closed socket, abandoned poll. */
  TRANSPORT_CLOSE("transport_close"),
  /** The peer stopped answering heartbeats (Engine.IO ping timeout, {@code /ws} heartbeat). */
  HEARTBEAT_TIMEOUT("heartbeat_timeout"),
  /** The client broke its protocol (a packet that does not parse, a request out of order). */
  PROTOCOL_ERROR("protocol_error"),
  /** The connection fell behind its outbound queue ({@code SLOW_CONSUMER}). */
  SLOW_CONSUMER("slow_consumer"),
  /** Its token expired and no fresh one came in time ({@code TOKEN_EXPIRED}). */
  TOKEN_EXPIRED("token_expired"),
  /** A token was refused on the open connection (an in-band refresh, the {@code hello}). */
  AUTH_REFUSED("auth_refused"),
  /** The server closed it for another reason: shutdown, an admin, a limit, an internal error. */
  SERVER_CLOSE("server_close");

  private final String tag;

  DisconnectReason(String tag) {
    this.tag = tag;
  }

  /** The value of the {@code reason} tag and log field. */
  public String tag() {
    return tag;
  }

  /** The reason of a close the server made with refusal {@code code}. */
  public static DisconnectReason of(ErrorCode code) {
    if (code == ErrorCode.SLOW_CONSUMER) {
      return SLOW_CONSUMER;
    } else if (code == ErrorCode.HEARTBEAT_TIMEOUT) {
      return HEARTBEAT_TIMEOUT;
    } else if (code == ErrorCode.TOKEN_EXPIRED) {
      return TOKEN_EXPIRED;
    } else if (code.category() == ErrorCategory.AUTHENTICATION) {
      return AUTH_REFUSED;
    } else if (code.category() == ErrorCategory.PROTOCOL) {
      return PROTOCOL_ERROR;
    }
    return SERVER_CLOSE;
  }
}
