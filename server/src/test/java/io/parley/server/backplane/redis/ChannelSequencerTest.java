package io.parley.server.backplane.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.protocol.Position;
import io.parley.server.hub.ChannelMessage;
import io.parley.server.hub.Replay;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ChannelSequencerTest {
  private static final String CHANNEL = "jobs:1";

  private final List<CompletableFuture<Replay>> reads = new ArrayList<>();
  private final List<Position> readFrom = new ArrayList<>();
  private final List<Runnable> retries = new ArrayList<>();
  private final List<Long> delivered = new ArrayList<>();
  private final ChannelSequencer sequencer =
      new ChannelSequencer(
          (channel, since) -> {
            readFrom.add(since);
            CompletableFuture<Replay> read = new CompletableFuture<>();
            reads.add(read);
            return read;
          },
          retries::add,
          3);

  {
    sequencer.listen(message -> delivered.add(message.seq()));
  }

  private static ChannelMessage message(String epoch, long seq) {
    return new ChannelMessage(CHANNEL, epoch, seq, "e", IntNode.valueOf((int) seq), 0);
  }

  private static Replay history(String epoch, long last, long... seqs) {
    List<ChannelMessage> messages = new ArrayList<>();
    for (long seq : seqs) {
      messages.add(message(epoch, seq));
    }
    return new Replay(new Position(epoch, last), null, messages, false, false);
  }

  @Test
  void deliversConsecutiveMessagesAndDropsRepeats() {
    sequencer.receive(message("e", 1));
    sequencer.receive(message("e", 2));
    sequencer.receive(message("e", 2));
    sequencer.receive(message("e", 3));

    assertThat(delivered).containsExactly(1L, 2L, 3L);
    assertThat(reads).isEmpty();
  }

  @Test
  void readsWhatPubSubSkippedFromHistoryBeforeGoingOn() {
    sequencer.receive(message("e", 1));
    sequencer.receive(message("e", 4));
    sequencer.receive(message("e", 5));

    assertThat(delivered).containsExactly(1L);
    assertThat(readFrom).containsExactly(new Position("e", 1));

    reads.get(0).complete(history("e", 5, 2, 3, 4, 5));

    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void catchesUpFromTheLowestPositionAReaderWentLiveAt() {
    sequencer.prime(CHANNEL, new Position("e", 7));
    sequencer.prime(CHANNEL, new Position("e", 5));
    sequencer.receive(message("e", 8));

    assertThat(readFrom).containsExactly(new Position("e", 5));
    reads.get(0).complete(history("e", 8, 6, 7, 8));
    assertThat(delivered).containsExactly(6L, 7L, 8L);
  }

  @Test
  void resumeAfterReconnectReadsEveryKnownChannelAndBuffersMeanwhile() {
    sequencer.receive(message("e", 1));
    sequencer.resumeAll();
    sequencer.receive(message("e", 4));

    assertThat(readFrom).containsExactly(new Position("e", 1));
    reads.get(0).complete(history("e", 3, 2, 3));

    assertThat(delivered).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void retriesAFailedCatchUp() {
    sequencer.receive(message("e", 1));
    sequencer.receive(message("e", 3));
    reads.get(0).completeExceptionally(new IllegalStateException("Redis down"));

    assertThat(delivered).containsExactly(1L);
    assertThat(retries).hasSize(1);
    retries.get(0).run();
    reads.get(1).complete(history("e", 3, 2, 3));

    assertThat(delivered).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aNewEpochIsDeliveredAsItComes() {
    sequencer.receive(message("e", 5));
    sequencer.receive(message("f", 1));

    assertThat(delivered).containsExactly(5L, 1L);
  }

  @Test
  void abandonsACatchUpWhoseBufferOverflowsAndDeliversTheBuffer() {
    sequencer.receive(message("e", 1));
    for (long seq = 10; seq <= 13; seq++) {
      sequencer.receive(message("e", seq));
    }

    assertThat(delivered).containsExactly(1L, 10L, 11L, 12L, 13L);
    reads.get(0).complete(history("e", 13, 2, 3));
    assertThat(delivered).containsExactly(1L, 10L, 11L, 12L, 13L);
  }

  @Test
  void forgetsChannelsNobodyUses() {
    sequencer.receive(message("e", 1));
    sequencer.retain(channel -> true);
    assertThat(sequencer.channelCount()).isEqualTo(1);
    sequencer.retain(channel -> false);
    assertThat(sequencer.channelCount()).isZero();
  }
}
