package io.parley.server.backplane.redis;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the default memory backplane a node needs no Redis: with Quarkus' Redis client pointed at a
 * port where nothing listens it is ready, HEALTHY as far as the backplane goes, and publishes.
 */
@QuarkusTest
@TestProfile(MemoryNeedsNoRedisIT.NoRedis.class)
class MemoryNeedsNoRedisIT {

  /** The memory backplane, and a Redis that does not answer. */
  public static class NoRedis implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1");
    }
  }

  @Test
  void theNodeIsReadyAndPublishesWithoutRedis() {
    given()
        .get("/realtime/status")
        .then()
        .statusCode(200)
        .body("status", equalTo("UNTESTED"))
        .body("backplane.kind", equalTo("memory"))
        .body("backplane.writable", equalTo(true));
    given().get("/q/health/ready").then().statusCode(200);
    given()
        .contentType("application/json")
        .body(Map.of("channel", "no-redis:1", "event", "e", "data", 1))
        .post("/realtime/publish")
        .then()
        .statusCode(200)
        .body("seq", equalTo(1));
  }
}
