package io.parley.server.transport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorsTest {
  @Test
  void anyOriginWithCredentialsIsRefusedNamingBothSettings() {
    assertThatThrownBy(
            () -> Cors.of(List.of("https://a.example", "*"), true, "x.cors-origins", "x.cred"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("x.cors-origins=*")
        .hasMessageContaining("x.cred=true");
  }

  @Test
  void anyOriginWithoutCredentialsAndListedOriginsWithCredentialsAreFine() {
    Cors.of(List.of("*"), false, "a", "b");
    Cors.of(List.of("https://a.example"), true, "a", "b");
  }
}
