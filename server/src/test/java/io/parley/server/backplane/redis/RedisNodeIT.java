package io.parley.server.backplane.redis;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A node with {@code realtime.backplane=redis}: ready, and its channels live in Redis. */
@QuarkusTest
@TestProfile(RedisProfile.class)
class RedisNodeIT {

  @AfterAll
  static void deleteKeys() {
    RedisKeys.deleteUnder(RedisProfile.PREFIX);
  }

  @Test
  void theNodeIsReadyAndReportsItsBackplane() {
    given()
        .get("/realtime/status")
        .then()
        .statusCode(200)
        .body("status", equalTo("UNTESTED"))
        .body("backplane.kind", equalTo("redis"))
        .body("backplane.writable", equalTo(true));
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void aPublishLandsInRedisAndIsReadBack() {
    JsonPath published =
        given()
            .contentType("application/json")
            .body(Map.of("channel", "redis-node:1", "event", "progress", "data", 42, "id", "p-1"))
            .post("/realtime/publish")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(published.getLong("seq")).isEqualTo(1);
    String epoch = published.getString("epoch");

    given()
        .contentType("application/json")
        .body(
            "{\"clientId\":\"poller\",\"subscriptions\":{\"redis-node:1\":{\"epoch\":\""
                + epoch
                + "\",\"seq\":0}},\"waitMs\":0}")
        .post("/realtime/poll")
        .then()
        .statusCode(200)
        .body("messages[0].seq", equalTo(1))
        .body("messages[0].data", equalTo(42))
        .body("messages[0].epoch", equalTo(epoch));
    assertThat(RedisKeys.under(RedisProfile.PREFIX))
        .contains(
            RedisProfile.PREFIX + "{redis-node:1}:m",
            RedisProfile.PREFIX + "{redis-node:1}:h",
            RedisProfile.PREFIX + "{redis-node:1}:i:http:p-1");
  }
}
