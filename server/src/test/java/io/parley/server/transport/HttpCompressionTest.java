package io.parley.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpCompressionTest {
  @Test
  void aNegativeThresholdIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> HttpCompression.checkThreshold(-1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("realtime.compression-threshold=-1")
        .hasMessageContaining("at least 0");
  }

  @Test
  void zeroAndPositiveThresholdsAreAccepted() {
    HttpCompression.checkThreshold(0);
    HttpCompression.checkThreshold(1024);
  }

  @Test
  void onlyAStatedLengthAtLeastTheThresholdCounts() {
    assertThat(HttpCompression.atLeast("1024", 1024)).isTrue();
    assertThat(HttpCompression.atLeast(" 5000 ", 1024)).isTrue();
    assertThat(HttpCompression.atLeast("1023", 1024)).isFalse();
    assertThat(HttpCompression.atLeast(null, 0)).isFalse();
    assertThat(HttpCompression.atLeast("many", 0)).isFalse();
  }
}
