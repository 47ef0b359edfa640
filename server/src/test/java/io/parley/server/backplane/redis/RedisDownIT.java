package io.parley.server.backplane.redis;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node whose Redis does not answer: it runs, its status is DEGRADED naming the backplane,
 * readiness is DOWN, and a publish is refused with a retryable SERVER_UNAVAILABLE rather than
 * acknowledged and lost.
 */
@QuarkusTest
@TestProfile(RedisDownProfile.class)
class RedisDownIT {

  @Test
  void statusIsDegradedNamingTheBackplaneAndReadinessIsDown() {
    given()
        .get("/realtime/status")
        .then()
        .statusCode(200)
        .body("status", equalTo("DEGRADED"))
        .body("backplane.kind", equalTo("redis"))
        .body("backplane.writable", equalTo(false));
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body(
            "checks.find { it.name == 'parley' }.data.backplane",
            containsString("redis cannot write"));
    given().get("/q/health/live").then().statusCode(200);
  }

  @Test
  void aPublishIsRefusedWithARetryableServerUnavailable() {
    given()
        .contentType("application/json")
        .body(Map.of("channel", "down:1", "event", "e", "data", 1, "id", "p-1"))
        .post("/realtime/publish")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .body("code", equalTo("SERVER_UNAVAILABLE"))
        .body("retryable", equalTo(true))
        .body("detail", containsString("Redis backplane"));
  }
}
