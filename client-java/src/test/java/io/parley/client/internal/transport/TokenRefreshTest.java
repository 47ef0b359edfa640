package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.client.internal.transport.TokenRefresh.Expiry;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenRefreshTest {
  private static final ProblemDetails EXPIRED =
      ProblemDetails.parse(
          new ObjectMapper(), 401, "{\"detail\":\"token expired\",\"code\":\"TOKEN_EXPIRED\"}");

  private final List<ServerFrame> emitted = new ArrayList<>();
  private final TokenRefresh tokens = new TokenRefresh("old", emitted::add);

  @Test
  void asksForAFreshTokenOnceHoweverManyRequestsWereRefused() {
    tokens.succeeded(true);

    assertThat(tokens.expired("old", EXPIRED, null)).isEqualTo(Expiry.WAIT);
    assertThat(tokens.expired("old", EXPIRED, null)).isEqualTo(Expiry.WAIT);

    assertThat(emitted)
        .containsExactly(
            new ServerFrame.Error(
                null,
                ErrorCode.TOKEN_REFRESH_REQUIRED,
                ErrorCategory.AUTHENTICATION,
                "the token expired (HTTP 401: token expired); send a fresh one",
                true,
                "token"));
  }

  @Test
  void anExpiredTokenBeforeTheWelcomeFailsWithoutAsking() {
    assertThat(tokens.expired("old", EXPIRED, null)).isEqualTo(Expiry.FAIL);
    assertThat(emitted).isEmpty();
  }

  @Test
  void aRequestMadeWithAnOlderTokenIsRetriedWithTheCurrentOne() {
    tokens.succeeded(true);
    tokens.refreshed("new");

    assertThat(tokens.expired("old", EXPIRED, null)).isEqualTo(Expiry.RETRY);
    assertThat(tokens.current()).isEqualTo("new");
    assertThat(emitted).isEmpty();
  }

  @Test
  void aFreshTokenRefusedBeforeAnyRequestSucceededWithItFails() {
    tokens.succeeded(true);
    tokens.expired("old", EXPIRED, null);
    tokens.refreshed("new");

    assertThat(tokens.expired("new", EXPIRED, null)).isEqualTo(Expiry.FAIL);

    tokens.succeeded(false);
    assertThat(tokens.expired("new", EXPIRED, null)).isEqualTo(Expiry.WAIT);
  }

  @Test
  void theFreshTokenResumesWhatWaitedForItOnce() {
    AtomicInteger resumed = new AtomicInteger();
    tokens.succeeded(true);
    tokens.expired("old", EXPIRED, resumed::incrementAndGet);

    assertThat(tokens.refreshed("new")).isTrue();
    assertThat(resumed).hasValue(1);
    assertThat(tokens.current()).isEqualTo("new");

    assertThat(tokens.refreshed("newer")).isFalse();
    assertThat(resumed).hasValue(1);
  }

  @Test
  void aResumeIsKeptOnlyWhenTheRequestWaits() {
    AtomicInteger resumed = new AtomicInteger();

    tokens.expired("old", EXPIRED, resumed::incrementAndGet);
    tokens.refreshed("new");

    assertThat(resumed).hasValue(0);
  }
}
