package io.parley.server.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

class AuthWiringTest {

  private static Config config(Map<String, String> properties) {
    return new SmallRyeConfigBuilder()
        .withSources(new PropertiesConfigSource(properties, "test", 500))
        .build();
  }

  @Test
  void refusesToStartWithoutAKeySayingWhatToSet() {
    assertThatThrownBy(() -> AuthWiring.requireKeys(config(Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mp.jwt.verify.publickey.location")
        .hasMessageContaining("mp.jwt.verify.issuer")
        .hasMessageContaining("-Dquarkus.profile=dev");
  }

  @Test
  void refusesToStartWithAKeyButNoIssuer() {
    assertThatThrownBy(
            () ->
                AuthWiring.requireKeys(
                    config(Map.of("mp.jwt.verify.publickey.location", "key.pem"))))
        .hasMessageContaining("no issuer is configured");
  }

  @Test
  void startsWithAKeyAndAnIssuer() {
    assertThatCode(
            () ->
                AuthWiring.requireKeys(
                    config(
                        Map.of(
                            "mp.jwt.verify.publickey.location", "key.pem",
                            "mp.jwt.verify.issuer", "https://issuer"))))
        .doesNotThrowAnyException();
  }
}
