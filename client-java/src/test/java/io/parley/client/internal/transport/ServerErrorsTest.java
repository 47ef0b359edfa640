package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.ProtocolException;
import io.parley.client.PublishRejectedException;
import io.parley.client.SubscriptionRejectedException;
import io.parley.protocol.ErrorCategory;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.protocol.Transport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServerErrorsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ProblemDetails problem(int status, String body) {
    return ProblemDetails.parse(MAPPER, status, body);
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void classifiesEveryErrorFrameByItsCategory(ErrorCode code) {
    ServerFrame.Error error = ServerFrame.Error.of(null, code, "why", "f");

    var cause = ServerErrors.toException(error, Transport.WEBSOCKET);

    Class<?> expected =
        switch (code.category()) {
          case AUTHENTICATION -> AuthenticationException.class;
          case PROTOCOL -> ProtocolException.class;
          case CONNECTION, APPLICATION -> ConnectionException.class;
        };
    assertThat(cause).isExactlyInstanceOf(expected).hasMessage(code + ": why");
  }

  @Test
  void anAuthenticationErrorCarriesItsCodeAndTransport() {
    ServerFrame.Error error = ServerFrame.Error.of(null, ErrorCode.TOKEN_EXPIRED, "late", null);

    assertThat(ServerErrors.toException(error, Transport.SOCKET_IO))
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
              assertThat(e.transport()).isEqualTo(Transport.SOCKET_IO);
            });
  }

  @Test
  void aProtocolErrorNamesTheOffendingField() {
    ServerFrame.Error error = ServerFrame.Error.of(null, ErrorCode.INVALID_FIELD, "bad", "seq");

    assertThat(ServerErrors.toException(error, Transport.WEBSOCKET))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
              assertThat(e.field()).isEqualTo("seq");
            });
  }

  @Test
  void theFramesCategoryDecidesOverItsCode() {
    ServerFrame.Error error =
        new ServerFrame.Error(
            null, ErrorCode.INTERNAL, ErrorCategory.PROTOCOL, "odd", false, "data");

    assertThat(ServerErrors.toException(error, Transport.WEBSOCKET))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void aConnectionErrorCarriesTheServersRetryAfter() {
    ServerFrame.Error error =
        ServerFrame.Error.of(null, ErrorCode.SERVER_UNAVAILABLE, "draining", null);

    assertThat(ServerErrors.toException(error, Transport.HTTP_POLL, Duration.ofSeconds(7)))
        .isInstanceOfSatisfying(
            ConnectionException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
              assertThat(e.transport()).isEqualTo(Transport.HTTP_POLL);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
            });
  }

  @Test
  void aProblemBecomesTheFrameANativeConnectionWouldHaveSent() {
    ServerFrame.Error frame =
        ServerErrors.toFrame(
            problem(
                403,
                "{\"title\":\"Forbidden\",\"detail\":\"not yours\",\"code\":\"CHANNEL_RESERVED\","
                    + "\"field\":\"channel\"}"),
            "p-1");

    assertThat(frame)
        .isEqualTo(
            new ServerFrame.Error(
                "p-1",
                ErrorCode.CHANNEL_RESERVED,
                ErrorCategory.APPLICATION,
                "HTTP 403: not yours",
                false,
                "channel"));
  }

  @Test
  void aBare401IsAnInvalidTokenAndA401WithAnotherCodeStaysAnAuthenticationError() {
    assertThat(ServerErrors.toFrame(problem(401, ""), null))
        .extracting(ServerFrame.Error::code, ServerFrame.Error::category)
        .containsExactly(ErrorCode.TOKEN_INVALID, ErrorCategory.AUTHENTICATION);
    assertThat(ServerErrors.toFrame(problem(401, "{\"code\":\"FORBIDDEN\"}"), null))
        .extracting(ServerFrame.Error::code, ServerFrame.Error::category)
        .containsExactly(ErrorCode.TOKEN_INVALID, ErrorCategory.AUTHENTICATION);
  }

  @Test
  void aProblemWithoutCodeIsClassifiedByItsStatus() {
    assertThat(ServerErrors.toException(problem(401, ""), Transport.HTTP_POLL, null))
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_INVALID));
    assertThat(ServerErrors.toException(problem(404, "<h1>no</h1>"), Transport.HTTP_POLL, null))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("HTTP 404");
    assertThat(ServerErrors.toException(problem(413, ""), Transport.HTTP_POLL, null))
        .isInstanceOf(ProtocolException.class);
    assertThat(ServerErrors.toException(problem(503, "busy"), Transport.WEBSOCKET, Duration.ZERO))
        .isInstanceOfSatisfying(
            ConnectionException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
              assertThat(e.retryAfter()).contains(Duration.ZERO);
            });
    assertThat(ServerErrors.toException(problem(502, ""), Transport.HTTP_POLL, null))
        .isInstanceOfSatisfying(
            ConnectionException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
  }

  @Test
  void aProblemsCodeDecidesOverItsStatus() {
    assertThat(
            ServerErrors.toException(
                problem(403, "{\"code\":\"TOKEN_AUDIENCE_INVALID\"}"), Transport.HTTP_POLL, null))
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_AUDIENCE_INVALID));
    assertThat(
            ServerErrors.toException(
                problem(400, "{\"code\":\"RATE_LIMITED\"}"), Transport.HTTP_POLL, null))
        .isInstanceOfSatisfying(
            ConnectionException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
  }

  @Test
  void aRefusedHttpPublishKeepsTheStatusAndTheServersOwnCode() {
    assertThat(ServerErrors.publishRefused(problem(502, "Bad Gateway"), "jobs", "p-1"))
        .isInstanceOfSatisfying(
            PublishRejectedException.class,
            e -> {
              assertThat(e.code()).isNull();
              assertThat(e.httpStatus()).isEqualTo(502);
              assertThat(e.retryable()).isTrue();
              assertThat(e.channel()).isEqualTo("jobs");
              assertThat(e.publishId()).isEqualTo("p-1");
              assertThat(e).hasMessage("publish to jobs refused: HTTP 502: Bad Gateway");
            });
    assertThat(
            ServerErrors.publishRefused(
                problem(401, "{\"code\":\"TOKEN_INVALID\"}"), "jobs", "p-1"))
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_INVALID);
              assertThat(e.transport()).isNull();
            });
  }

  @Test
  void aPublishRefusedByAFrameHasNoHttpStatus() {
    ServerFrame.Error error =
        ServerFrame.Error.of("p-2", ErrorCode.CHANNEL_RESERVED, "reserved", "channel");

    PublishRejectedException rejected = ServerErrors.publishRejected(error, "session:a", "p-2");

    assertThat(rejected).hasMessage("reserved");
    assertThat(rejected.httpStatus()).isZero();
    assertThat(rejected.code()).isEqualTo(ErrorCode.CHANNEL_RESERVED);
    assertThat(rejected.field()).isEqualTo("channel");
    assertThat(rejected.retryable()).isFalse();
  }

  @Test
  void aRefusedSubscriptionNamesItsChannel() {
    ServerFrame.Error error = ServerFrame.Error.of("s1", ErrorCode.FORBIDDEN, "no", "channel");

    SubscriptionRejectedException rejected = ServerErrors.subscriptionRejected(error, "secret");

    assertThat(rejected).hasMessage("the server refused the subscription to secret: no");
    assertThat(rejected.channel()).isEqualTo("secret");
    assertThat(rejected.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(rejected.field()).isEqualTo("channel");
  }
}
