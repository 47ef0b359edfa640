package io.parley.client.internal;

import static io.parley.client.internal.TokenRenewal.AfterRefusal.GIVE_UP;
import static io.parley.client.internal.TokenRenewal.AfterRefusal.RETRY_AFTER_BACKOFF;
import static io.parley.client.internal.TokenRenewal.AfterRefusal.RETRY_NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.ParleyException;
import io.parley.client.TokenSupplier;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class TokenRenewalTest {

  /** Answers the queued tokens in order; a queued {@code "throw"} throws. Counts its calls. */
  private static final class ScriptedSupplier implements TokenSupplier {
    final Deque<String> answers = new ArrayDeque<>();
    int calls;

    ScriptedSupplier answering(String... tokens) {
      answers.addAll(java.util.List.of(tokens));
      return this;
    }

    @Override
    public String token() {
      calls++;
      String next = answers.poll();
      if ("throw".equals(next)) {
        throw new IllegalStateException("vault down");
      }
      return "none".equals(next) ? null : next;
    }
  }

  private final ScriptedSupplier supplier = new ScriptedSupplier();
  private final TokenRenewal tokens = new TokenRenewal(supplier);

  private static AuthenticationException refusal() {
    return new AuthenticationException("refused", ErrorCode.TOKEN_INVALID, Transport.WEBSOCKET);
  }

  @Test
  void asksTheSupplierOnlyUntilATokenIsKnown() {
    supplier.answering("t1", "t2");

    assertThat(tokens.prepare()).isNull();
    assertThat(tokens.prepare()).isNull();

    assertThat(tokens.token()).isEqualTo("t1");
    assertThat(supplier.calls).isEqualTo(1);
  }

  @Test
  void aThrowingSupplierFailsTheRoundAndIsAskedAgainNextRound() {
    supplier.answering("throw", "t1");

    ConnectionException failure = tokens.prepare();

    assertThat(failure).hasMessageContaining("the token supplier failed");
    assertThat(failure.getCause()).hasMessage("vault down");
    assertThat(tokens.prepare()).isNull();
    assertThat(tokens.token()).isEqualTo("t1");
  }

  @Test
  void retriesAtOnceWithTheFirstFreshTokenAfterARefusalThenAfterTheBackoff() {
    supplier.answering("t1", "t2", "t3");
    tokens.prepare();

    assertThat(tokens.renewAfter(refusal())).isEqualTo(RETRY_NOW);
    assertThat(tokens.token()).isEqualTo("t2");
    assertThat(tokens.renewAfter(refusal())).isEqualTo(RETRY_AFTER_BACKOFF);
    assertThat(tokens.token()).isEqualTo("t3");
  }

  @Test
  void aWelcomedConnectionMakesTheNextRefusalRetryAtOnceAgain() {
    supplier.answering("t1", "t2", "t3");
    tokens.prepare();
    tokens.renewAfter(refusal());

    tokens.connected();

    assertThat(tokens.renewAfter(refusal())).isEqualTo(RETRY_NOW);
  }

  @Test
  void givesUpWhenTheSupplierHasTheSameTokenOrNone() {
    supplier.answering("t1", "t1", "none");
    tokens.prepare();

    assertThat(tokens.renewAfter(refusal())).isEqualTo(GIVE_UP);
    assertThat(tokens.renewAfter(refusal())).isEqualTo(GIVE_UP);
    assertThat(tokens.token()).isEqualTo("t1");
  }

  @Test
  void givesUpWithTheSuppliersFailureSuppressedInTheRefusal() {
    supplier.answering("t1", "throw");
    tokens.prepare();
    AuthenticationException refusal = refusal();

    assertThat(tokens.renewAfter(refusal)).isEqualTo(GIVE_UP);

    assertThat(refusal.getSuppressed())
        .singleElement()
        .hasFieldOrPropertyWithValue("message", "vault down");
  }

  @Test
  void refreshesInBandWithATokenOtherThanTheOnePresented() {
    supplier.answering("t1", "t2");
    tokens.prepare();

    assertThat(tokens.refreshInBand("t1", Transport.SOCKET_IO, "expiring")).isNull();

    assertThat(tokens.token()).isEqualTo("t2");
  }

  @Test
  void anInBandRefreshWithNothingNewIsATokenExpiredRefusal() {
    supplier.answering("t1", "t1");
    tokens.prepare();

    ParleyException failure = tokens.refreshInBand("t1", Transport.SOCKET_IO, "expiring");

    assertThat(failure).isInstanceOf(AuthenticationException.class);
    assertThat(((AuthenticationException) failure).code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
    assertThat(failure).hasMessageContaining("(expiring)");
  }

  @Test
  void anInBandRefreshWhoseSupplierThrowsDropsTheConnectionAndAsksAgainBeforeTheNextRound() {
    supplier.answering("t1", "throw", "t2");
    tokens.prepare();

    ParleyException failure = tokens.refreshInBand("t1", Transport.SOCKET_IO, "expiring");

    assertThat(failure).isInstanceOf(ConnectionException.class);
    assertThat(((ConnectionException) failure).code()).isEqualTo(ErrorCode.TOKEN_REFRESH_REQUIRED);
    assertThat(tokens.prepare()).isNull();
    assertThat(tokens.token()).isEqualTo("t2");
  }
}
