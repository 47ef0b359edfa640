package io.parley.client.internal.transport;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Thread-safe: the publishes of one HTTP poll connection, sent one at a time in the order they were
 * added, so the server assigns seqs in the order the application published, as on a socket. Each
 * {@link PublishOutcome} is reported as the frame a socket would have sent (an {@code ack}, or an
 * {@code error} with the publish's id). A publish refused {@code TOKEN_EXPIRED} goes back to the
 * head of the queue, which waits for the fresh token ({@link TokenRefresh}) and sends it again.
 *
 * <p>Bounded by the client's outbox, which never hands over more than its capacity.
 */
final class PublishQueue {

  /** Sends one publish; the future never completes exceptionally. */
  @FunctionalInterface
  interface Sender {
    CompletableFuture<PublishOutcome> send(String token, ClientFrame.Publish publish);
  }

  private final Sender sender;
  private final TokenRefresh tokens;
  private final PollSink sink;
  private final Transport kind;

  // Guarded by this.
  private final ArrayDeque<ClientFrame.Publish> queue = new ArrayDeque<>();

  /** Whether a publish is in flight or parked. Guarded by this. */
  private boolean busy;

  /** Whether the head of the queue waits for a fresh token. Guarded by this. */
  private boolean parked;

  PublishQueue(Sender sender, TokenRefresh tokens, PollSink sink, Transport kind) {
    this.sender = sender;
    this.tokens = tokens;
    this.sink = sink;
    this.kind = kind;
  }

  /** Sends {@code publish} after those added before it have been answered. Never blocks. */
  void add(ClientFrame.Publish publish) {
    synchronized (this) {
      queue.add(publish);
      if (busy) {
        return;
      }
      busy = true;
    }
    sendNext();
  }

  private void sendNext() {
    ClientFrame.Publish publish;
    synchronized (this) {
      if (parked) {
        return;
      }
      publish = queue.poll();
      if (publish == null || sink.finished()) {
        busy = false;
        return;
      }
    }
    String bearer = tokens.current();
    sender.send(bearer, publish).thenAccept(outcome -> answered(publish, bearer, outcome));
  }

  private void answered(ClientFrame.Publish publish, String bearer, PublishOutcome outcome) {
    if (outcome instanceof PublishOutcome.Refused refused
        && refused.problem().code() == ErrorCode.TOKEN_EXPIRED) {
      expired(publish, bearer, refused.problem());
      return;
    }
    if (outcome instanceof PublishOutcome.Acked) {
      tokens.succeeded(false);
    }
    sink.emit(outcome.frame(publish.id()));
    sendNext();
  }

  private void expired(ClientFrame.Publish publish, String bearer, ProblemDetails problem) {
    if (sink.finished()) {
      return;
    }
    synchronized (this) {
      // Parked before asking, so that a token arriving in between finds something to resume.
      queue.addFirst(publish);
      parked = true;
    }
    switch (tokens.expired(bearer, problem, this::resume)) {
      case RETRY -> resume();
      case FAIL -> sink.fail(ServerErrors.toException(problem, kind, null));
      case WAIT -> {
        // resume() runs when the fresh token comes.
      }
    }
  }

  private void resume() {
    synchronized (this) {
      parked = false;
    }
    sendNext();
  }
}
