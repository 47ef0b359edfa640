package io.parley.server.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** With {@code realtime.health.enabled=false} (the test default) the node reports UNTESTED. */
@QuarkusTest
class SelfTestsOffIT {
  @Test
  void statusIsUntestedAndTheNodeIsReadyAndStarted() {
    given()
        .get("/realtime/status")
        .then()
        .statusCode(200)
        .body("status", equalTo("UNTESTED"))
        .body("transports", anEmptyMap());
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'parley' }.data.status", equalTo("UNTESTED"));
    given().get("/q/health/started").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
  }
}
