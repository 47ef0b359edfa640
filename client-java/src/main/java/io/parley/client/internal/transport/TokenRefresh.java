package io.parley.client.internal.transport;

import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Thread-safe: the token of one HTTP poll connection, and what to do when a request made with it is
 * refused {@code TOKEN_EXPIRED}.
 *
 * <p>HTTP is stateless, so the server cannot ask for a fresh token the way it does on a socket: the
 * connection asks in its place, with the same {@code TOKEN_REFRESH_REQUIRED} error a socket would
 * get (once, however many requests were refused), and its requests wait until the supervisor's
 * {@code auth} brings the token ({@link #refreshed}). Then each is made once more; if the fresh
 * token is refused as expired too, or the connection was not welcomed yet, the connection fails
 * with the refusal.
 */
final class TokenRefresh {

  /** What to do about a request refused as expired. */
  enum Expiry {
    /** The token changed since the request was made: make it again with the current one. */
    RETRY,
    /** Wait for the supervisor's {@code auth} (asked for now or already). */
    WAIT,
    /** The token expired before the connection was welcomed, or expired again at once. */
    FAIL
  }

  private final Consumer<ServerFrame> emit;

  // Guarded by this.
  private String token;
  private boolean welcomed;

  /** A refresh was asked for ({@code TOKEN_REFRESH_REQUIRED}) and has not come yet. */
  private boolean awaiting;

  /** A refreshed token is in use and no request has succeeded with it yet. */
  private boolean untried;

  /** What to run when the fresh token comes. */
  private final List<Runnable> parked = new ArrayList<>();

  /**
   * @param token the first token, or {@code null} for anonymous
   * @param emit where the request for a fresh token goes (the connection's listener)
   */
  TokenRefresh(String token, Consumer<ServerFrame> emit) {
    this.token = token;
    this.emit = emit;
  }

  /** The token to send now, or {@code null}. */
  synchronized String current() {
    return token;
  }

  /** A request succeeded; {@code welcome} when it was the connection's first. */
  synchronized void succeeded(boolean welcome) {
    untried = false;
    welcomed |= welcome;
  }

  /**
   * A request made with {@code used} was refused with {@code problem}, {@code TOKEN_EXPIRED}. On
   * {@link Expiry#WAIT} asks for a fresh token unless that was asked already.
   *
   * @param resume run (on the thread of {@link #refreshed}) when the fresh token comes, if the
   *     answer is {@link Expiry#WAIT}; {@code null} for nothing
   */
  Expiry expired(String used, ProblemDetails problem, Runnable resume) {
    boolean ask;
    synchronized (this) {
      if (!Objects.equals(used, token)) {
        return Expiry.RETRY;
      }
      if (!welcomed || untried) {
        return Expiry.FAIL;
      }
      ask = !awaiting;
      awaiting = true;
      if (resume != null) {
        parked.add(resume);
      }
    }
    if (ask) {
      emit.accept(
          new ServerFrame.Error(
              null,
              ErrorCode.TOKEN_REFRESH_REQUIRED,
              ErrorCategory.AUTHENTICATION,
              "the token expired (" + problem.describe() + "); send a fresh one",
              true,
              "token"));
    }
    return Expiry.WAIT;
  }

  /**
   * The supervisor's {@code auth}: use {@code fresh} from now on and run what waited for it.
   *
   * @return whether requests were waiting for it
   */
  boolean refreshed(String fresh) {
    boolean waited;
    List<Runnable> resumed;
    synchronized (this) {
      token = fresh;
      waited = awaiting;
      awaiting = false;
      if (waited) {
        untried = true;
      }
      resumed = List.copyOf(parked);
      parked.clear();
    }
    resumed.forEach(Runnable::run);
    return waited;
  }
}
