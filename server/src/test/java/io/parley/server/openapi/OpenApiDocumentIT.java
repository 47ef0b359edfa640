package io.parley.server.openapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.server.admin.AdminRoutes;
import io.parley.server.livefeed.LiveFeedEndpoint;
import io.parley.server.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The hand-written OpenAPI document ({@code META-INF/openapi.yaml}, served at {@code /q/openapi})
 * against the routes the server really has: every documented path and method answers (not 404 or
 * 405), and every HTTP API route is documented. {@code /realtime/status} belongs to the health
 * package and is checked there.
 */
@QuarkusTest
class OpenApiDocumentIT {
  private static final String ADMIN = TestTokens.claims("ops").groups(Set.of("admin")).sign();
  private static final String STATUS = "/realtime/status";

  @Inject RouteRecorder routes;

  private static JsonPath document() {
    return given()
        .queryParam("format", "json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  @Test
  void everyDocumentedPathAnswers() {
    Map<String, Map<String, Object>> paths = document().getMap("paths");
    assertThat(paths).containsKeys("/realtime/poll", "/realtime/publish", STATUS);
    List<String> missing = new ArrayList<>();
    paths.forEach(
        (path, methods) -> {
          if (path.equals(STATUS)) {
            return;
          }
          String url = path.replace("{name}", "x");
          for (String method : methods.keySet()) {
            // With an admin token and a body that is not an object: reads answer, writes refuse
            // the body (400), and nothing is drained or sent.
            int status =
                given()
                    .header("Authorization", "Bearer " + ADMIN)
                    .contentType("application/json")
                    .body(method.equals("get") ? "" : "[]")
                    .request(method.toUpperCase(java.util.Locale.ROOT), url)
                    .then()
                    .extract()
                    .statusCode();
            if (status == 404 || status == 405 || status >= 500) {
              missing.add(method + " " + path + " -> " + status);
            }
          }
        });
    assertThat(missing).as("documented but not answered").isEmpty();
  }

  @Test
  void everyHttpApiRouteIsDocumented() {
    Set<String> documented = document().<String, Object>getMap("paths").keySet();
    // The live feed is a WebSocket endpoint (docs/operations.md), not an HTTP API route.
    Set<String> api = new java.util.TreeSet<>(routes.exactPaths("/realtime/"));
    assertThat(api.remove(LiveFeedEndpoint.PATH)).as("the live feed's route").isTrue();
    // The dashboard page's files are a page (docs/operations.md), not the API.
    assertThat(api.removeIf(AdminRoutes::isPublic)).as("the page's routes").isTrue();
    assertThat(api).isNotEmpty().isSubsetOf(documented);
  }
}
