package io.parley.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.protocol.ErrorCode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
  private static final DevAuthority AUTHORITY = DevAuthority.create();

  private final AtomicLong now = new AtomicLong(System.currentTimeMillis());

  private TokenVerifier verifier(Duration clockSkew) {
    return new TokenVerifier(AUTHORITY.parser(), settings(clockSkew), now::get);
  }

  private static AuthSettings settings(Duration clockSkew) {
    return new AuthSettings("channels", "publish", "publisher", "admin", clockSkew, null);
  }

  @Test
  void aTokenExpiresExactlyAtItsExpPlusTheConfiguredSkew() throws TokenRejectedException {
    String token = AUTHORITY.broadToken("dev", settings(Duration.ZERO), Duration.ofSeconds(10));
    long start = now.get();

    now.set(start + 8_000);
    assertThat(verifier(Duration.ZERO).verify(token).subject()).isEqualTo("dev");

    // SmallRye alone would accept it for another minute; Parley does not.
    now.set(start + 12_000);
    assertThatThrownBy(() -> verifier(Duration.ZERO).verify(token))
        .isInstanceOf(TokenRejectedException.class)
        .extracting(e -> ((TokenRejectedException) e).code())
        .isEqualTo(ErrorCode.TOKEN_EXPIRED);
    assertThat(verifier(Duration.ofSeconds(5)).verify(token).expiredAt(now.get())).isFalse();
  }

  @Test
  void onlyTheProcessProbeSecretMakesTheProbeIdentity() throws TokenRejectedException {
    Identity probe = verifier(Duration.ZERO).verify(ProbeCredential.token());
    assertThat(probe.probe()).isTrue();
    assertThat(probe.subject()).isEqualTo(ProbeCredential.SUBJECT);
    assertThat(probe.publisher()).isFalse();
    assertThat(probe.admin()).isFalse();

    String guessed = ProbeCredential.token().substring(0, ProbeCredential.token().length() - 1);
    assertThatThrownBy(() -> verifier(Duration.ZERO).verify(guessed + "x"))
        .isInstanceOf(TokenRejectedException.class)
        .extracting(e -> ((TokenRejectedException) e).code())
        .isEqualTo(ErrorCode.TOKEN_MALFORMED);
    // A real token for the probe's subject is an ordinary user.
    String named =
        AUTHORITY.broadToken(ProbeCredential.SUBJECT, settings(Duration.ZERO), Duration.ofHours(1));
    assertThat(verifier(Duration.ZERO).verify(named).probe()).isFalse();
  }

  @Test
  void theBroadDevTokenGrantsEverythingWithBothRoles() throws TokenRejectedException {
    Identity identity =
        verifier(Duration.ZERO)
            .verify(AUTHORITY.broadToken("dev", settings(Duration.ZERO), Duration.ofHours(1)));
    assertThat(identity.maySubscribe("any:channel")).isTrue();
    assertThat(identity.mayPublish("session:x")).isTrue();
    assertThat(identity.admin()).isTrue();
  }
}
