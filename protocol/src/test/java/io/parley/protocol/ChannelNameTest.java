package io.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelNameTest {
  @Test
  void aValidNameHasNoProblem() {
    assertThat(ChannelName.problem("jobs:7_a-b.c")).isEmpty();
    assertThat(ChannelName.problem("c".repeat(ChannelName.MAX_LENGTH))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a b       | has ' ' (U+0020) at position 2",
        "jobs/1    | has '/' (U+002F) at position 5",
        "#         | has '#' (U+0023) at position 1",
        "café      | has 'é' (U+00E9) at position 4",
      })
  void namesTheFirstCharacterNotAllowedAndItsPosition(String name, String problem) {
    assertThat(ChannelName.problem(name)).contains(problem);
  }

  @Test
  void countsPositionsInCharactersNotUtf16Units() {
    assertThat(ChannelName.problem("a\uD83D\uDE00b c"))
        .contains("has '\uD83D\uDE00' (U+1F600) at position 2");
    assertThat(ChannelName.problem("\uD83D\uDE00\uD83D\uDE00 "))
        .contains("has '\uD83D\uDE00' (U+1F600) at position 1");
  }

  @Test
  void namesAControlCharacterOnlyByItsCodePoint() {
    assertThat(ChannelName.problem("ab\ncd")).contains("has U+000A at position 3");
  }

  @Test
  void saysWhenTheNameIsEmptyOrTooLong() {
    assertThat(ChannelName.problem("")).contains("is empty");
    assertThat(ChannelName.problem("c".repeat(201))).contains("is 201 characters long");
  }
}
