package io.parley.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchPayloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode parse(String member) throws Exception {
    return JSON.readTree("{\"t\":1" + member + "}").get("p");
  }

  @Test
  void zeroBytesAddsNothing() {
    assertThat(BenchPayload.member(0, 1)).isEmpty();
  }

  @Test
  void aSmallPayloadIsAStringOfAboutThatSize() throws Exception {
    String member = BenchPayload.member(64, 1);
    JsonNode value = parse(member);
    assertThat(value.isTextual()).isTrue();
    assertThat(member.length() - ",\"p\":".length()).isBetween(64, 66);
  }

  @Test
  void aLargePayloadIsAnArrayOfRecordsOfAtLeastThatSize() throws Exception {
    String member = BenchPayload.member(16384, 1);
    JsonNode value = parse(member);
    assertThat(value.isArray()).isTrue();
    assertThat(value.get(0).has("price")).isTrue();
    assertThat(member.length()).isBetween(16384, 16384 + 200);
  }

  @Test
  void theSameSeedGivesTheSamePayload() {
    assertThat(BenchPayload.member(2048, 7)).isEqualTo(BenchPayload.member(2048, 7));
    assertThat(BenchPayload.member(2048, 7)).isNotEqualTo(BenchPayload.member(2048, 8));
  }
}
