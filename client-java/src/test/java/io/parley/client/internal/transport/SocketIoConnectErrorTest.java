package io.parley.client.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.client.AuthenticationException;
import io.parley.client.ConnectionException;
import io.parley.client.ProtocolException;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Transport;
import java.io.IOException;
import java.time.Duration;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How a Socket.IO CONNECT_ERROR becomes the exception the connection closes with. */
class SocketIoConnectErrorTest {

  @ParameterizedTest
  @EnumSource(
      value = ErrorCode.class,
      names = {
        "TOKEN_MISSING",
        "TOKEN_MALFORMED",
        "TOKEN_SIGNATURE_INVALID",
        "TOKEN_ISSUER_INVALID",
        "TOKEN_AUDIENCE_INVALID",
        "TOKEN_EXPIRED",
        "TOKEN_INVALID"
      })
  void aRefusedTokenIsAnAuthenticationExceptionWithTheServersCode(ErrorCode code) throws Exception {
    JSONObject refusal =
        new JSONObject(
            "{\"message\":\"refused\",\"data\":{\"code\":\""
                + code
                + "\",\"category\":\"authentication\",\"message\":\"refused\","
                + "\"retryable\":false,\"field\":\"auth.token\"}}");

    assertThat(SocketIoTransport.connectError(refusal, null))
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.transport()).isEqualTo(Transport.SOCKET_IO);
            });
  }

  @Test
  void aFailedHandshakeCarriesTheRetryAfterOfTheBusyServer() {
    assertThat(SocketIoTransport.connectError(new IOException("503"), Duration.ofSeconds(45)))
        .isInstanceOfSatisfying(
            ConnectionException.class,
            e -> {
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(45));
              assertThat(e.code()).isEqualTo(ErrorCode.SERVER_UNAVAILABLE);
            });
    assertThat(SocketIoTransport.connectError(new IOException("reset"), null))
        .isInstanceOfSatisfying(
            ConnectionException.class, e -> assertThat(e.retryAfter()).isEmpty());
  }

  @Test
  void aRefusalWithAProtocolCodeIsAProtocolExceptionNamingTheField() throws Exception {
    JSONObject refusal =
        new JSONObject(
            "{\"message\":\"bad id\",\"data\":{\"code\":\"INVALID_FIELD\","
                + "\"category\":\"protocol\",\"message\":\"bad id\",\"retryable\":false,"
                + "\"field\":\"auth.clientId\"}}");

    assertThat(SocketIoTransport.connectError(refusal, null))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
              assertThat(e.field()).isEqualTo("auth.clientId");
            });
  }
}
