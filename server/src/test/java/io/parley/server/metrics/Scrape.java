package io.parley.server.metrics;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;

/** One scrape of {@code /q/metrics} in Prometheus' text format, for reading values. Immutable. */
record Scrape(List<String> lines) {

  static Scrape now() {
    String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
    List<String> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        samples.add(line);
      }
    }
    return new Scrape(samples);
  }

  /**
   * The sum of the samples named {@code name} that carry every tag of {@code tags} ({@code
   * key=value} pairs, so a tag left out is summed over); 0 when there is none.
   */
  double value(String name, String... tags) {
    double sum = 0;
    for (String line : lines) {
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String sampleName = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
      if (!sampleName.equals(name)) {
        continue;
      }
      boolean all = true;
      for (String tag : tags) {
        int eq = tag.indexOf('=');
        String wanted = tag.substring(0, eq) + "=\"" + tag.substring(eq + 1) + "\"";
        all &= brace >= 0 && line.substring(brace, space).contains(wanted);
      }
      if (all) {
        sum += Double.parseDouble(line.substring(space + 1));
      }
    }
    return sum;
  }

  /** How much {@code name} with {@code tags} grew from {@code before} to this scrape. */
  double since(Scrape before, String name, String... tags) {
    return value(name, tags) - before.value(name, tags);
  }
}
