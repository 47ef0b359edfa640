package io.parley.server.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.parley.protocol.ErrorCode;
import io.parley.server.testing.SecureProfile;
import io.parley.server.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tokens on the stateless HTTP transport: poll and publish. */
@QuarkusTest
@TestProfile(SecureProfile.class)
class HttpAuthIT {
  private static final String POLL =
      "{\"clientId\":\"p\",\"subscriptions\":{\"jobs:1\":null},\"waitMs\":0}";

  @ParameterizedTest
  @MethodSource("io.parley.server.testing.TestTokens#refusals")
  void pollAndPublishRefuseABadTokenWith401AndItsCode(String token, ErrorCode code) {
    request(token)
        .body(POLL)
        .post("/realtime/poll")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("Bearer"))
        .body("code", equalTo(code.name()))
        .body("category", equalTo("authentication"));
    request(token)
        .body(Map.of("channel", "jobs:1", "event", "e", "data", 1))
        .post("/realtime/publish")
        .then()
        .statusCode(401)
        .body("code", equalTo(code.name()));
  }

  @Test
  void theTokenMayAlsoComeInThePollBody() {
    String token = TestTokens.grants("alice", List.of("jobs:*"), List.of());
    given()
        .contentType("application/json")
        .body(
            "{\"clientId\":\"b\",\"token\":\""
                + token
                + "\",\"subscriptions\":{\"jobs:1\":null},\"waitMs\":0}")
        .post("/realtime/poll")
        .then()
        .statusCode(200);
  }

  @Test
  void anAuthorizationHeaderThatIsNotBearerIsMalformed() {
    given()
        .contentType("application/json")
        .header("Authorization", "Basic YWxpY2U6c2VjcmV0")
        .body(POLL)
        .post("/realtime/poll")
        .then()
        .statusCode(401)
        .body("code", equalTo("TOKEN_MALFORMED"))
        .body("field", equalTo("Authorization"));
  }

  @Test
  void pollingAChannelTheTokenDoesNotGrantIsForbiddenByName() {
    request(TestTokens.grants("alice", List.of("news:*"), List.of()))
        .body(POLL)
        .post("/realtime/poll")
        .then()
        .statusCode(403)
        .body("code", equalTo("FORBIDDEN"))
        .body("field", equalTo("subscriptions.jobs:1"))
        .body("detail", containsString("jobs:1"));
  }

  @Test
  void publishNeedsThePublisherRoleOrAPublishGrant() {
    Map<String, Object> body = Map.of("channel", "jobs:1", "event", "e", "data", 1);
    request(TestTokens.grants("alice", List.of("*"), List.of()))
        .body(body)
        .post("/realtime/publish")
        .then()
        .statusCode(403)
        .body("code", equalTo("FORBIDDEN"))
        .body("field", equalTo("channel"));
    request(TestTokens.grants("alice", List.of(), List.of("jobs:*")))
        .body(body)
        .post("/realtime/publish")
        .then()
        .statusCode(200);
    request(TestTokens.publisher()).body(body).post("/realtime/publish").then().statusCode(200);
  }

  @Test
  void onlyThePublisherRoleMayPublishToASessionChannel() {
    Map<String, Object> body = Map.of("channel", "session:abc", "event", "e", "data", 1);
    request(TestTokens.grants("alice", List.of(), List.of("*")))
        .body(body)
        .post("/realtime/publish")
        .then()
        .statusCode(403)
        .body("code", equalTo("CHANNEL_RESERVED"));
    request(TestTokens.publisher()).body(body).post("/realtime/publish").then().statusCode(200);
  }

  private static RequestSpecification request(String token) {
    RequestSpecification spec = given().contentType("application/json");
    return token == null ? spec : spec.header("Authorization", "Bearer " + token);
  }
}
