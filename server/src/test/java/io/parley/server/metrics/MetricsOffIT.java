package io.parley.server.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code realtime.metrics.enabled=false} leaves only Quarkus' own meters at {@code /q/metrics}. */
@QuarkusTest
@TestProfile(MetricsOffIT.MetricsOff.class)
class MetricsOffIT {

  /** Parley's metrics off. */
  public static final class MetricsOff implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("realtime.metrics.enabled", "false");
    }
  }

  @Test
  void noParleyMeterIsRegisteredOrCounted() {
    given()
        .contentType("application/json")
        .body(Map.of("channel", "metrics-off", "event", "e", "data", 1))
        .post("/realtime/publish")
        .then()
        .statusCode(200);

    Scrape scrape = Scrape.now();
    assertThat(scrape.lines()).isNotEmpty().noneMatch(line -> line.startsWith("parley_"));
    assertThat(scrape.lines()).anyMatch(line -> line.startsWith("jvm_"));
  }
}
