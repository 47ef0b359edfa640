package io.parley.harness.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.harness.fault.UpgradeFilter.Mode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpRequestScannerTest {

  private static final String UPGRADE =
      "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: k\r\nSec-WebSocket-Version: 13\r\n\r\n";

  /** Records what the scanner forwards and whether it refused. */
  private static final class Recorder implements HttpRequestScanner.Output {
    final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
    int refusals;
    boolean passingThrough;

    @Override
    public void forward(ByteBuffer bytes) {
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      forwarded.writeBytes(copy);
    }

    @Override
    public void refuse() {
      refusals++;
    }

    String text() {
      return forwarded.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static Recorder feedByteByByte(Mode mode, String input) {
    HttpRequestScanner scanner = new HttpRequestScanner(mode, HttpRequestScanner.MAX_HEAD_BYTES);
    Recorder recorder = new Recorder();
    for (byte b : input.getBytes(StandardCharsets.ISO_8859_1)) {
      scanner.feed(ByteBuffer.wrap(new byte[] {b}), recorder);
    }
    return recorder;
  }

  private static Recorder feedWhole(Mode mode, String input, int maxHead) {
    HttpRequestScanner scanner = new HttpRequestScanner(mode, maxHead);
    Recorder recorder = new Recorder();
    scanner.feed(ByteBuffer.wrap(input.getBytes(StandardCharsets.ISO_8859_1)), recorder);
    recorder.passingThrough = scanner.passingThrough();
    return recorder;
  }

  @Test
  void stripsAnUpgradeWhoseHeadArrivesOneByteAtATime() {
    Recorder out = feedByteByByte(Mode.STRIP, UPGRADE);

    assertThat(out.text()).isEqualTo("GET /ws HTTP/1.1\r\nHost: h\r\n\r\n");
  }

  @Test
  void passesChunkedBodiesThatLookLikeHeadersUntouched() {
    String chunked =
        "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "16;ext=1\r\nUpgrade: websocket\r\n\r\n\r\n0\r\nX-Trailer: t\r\n\r\n";

    Recorder out = feedByteByByte(Mode.REFUSE, chunked + UPGRADE);

    assertThat(out.text()).isEqualTo(chunked);
    assertThat(out.refusals).isEqualTo(1);
  }

  @Test
  void refusesAndDropsEverythingAfterTheUpgrade() {
    Recorder out = feedWhole(Mode.REFUSE, UPGRADE + "GET /after HTTP/1.1\r\n\r\n", 1024);

    assertThat(out.text()).isEmpty();
    assertThat(out.refusals).isEqualTo(1);
  }

  @Test
  void keepsLeadingEmptyLinesAndBareLineFeeds() {
    Recorder out = feedWhole(Mode.STRIP, "\r\nGET / HTTP/1.1\nUpgrade: websocket\n\n", 1024);

    assertThat(out.text()).isEqualTo("\r\nGET / HTTP/1.1\n\n");
  }

  @Test
  void leavesOtherUpgradesAloneAndStopsInspecting() {
    String h2c = "GET / HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n";

    Recorder out = feedWhole(Mode.REFUSE, h2c + UPGRADE, 1024);

    assertThat(out.text()).isEqualTo(h2c + UPGRADE);
    assertThat(out.refusals).isZero();
  }

  @Test
  void forwardsWhatIsNotHttpUntouched() {
    String notHttp = "\u0016\u0003\u0001 hello\r\n\r\n" + UPGRADE;

    Recorder out = feedWhole(Mode.REFUSE, notHttp, 1024);

    assertThat(out.text()).isEqualTo(notHttp);
    assertThat(out.refusals).isZero();
    assertThat(out.passingThrough).isTrue();
  }

  @Test
  void givesUpOnAHeadLongerThanTheLimit() {
    String huge =
        "GET / HTTP/1.1\r\nX-Big: " + "a".repeat(200) + "\r\n" + "Upgrade: websocket\r\n\r\n";

    Recorder out = feedWhole(Mode.REFUSE, huge, 100);

    assertThat(out.text()).isEqualTo(huge);
    assertThat(out.refusals).isZero();
  }

  @Test
  void holdsAPartialHeadAndHandsItOnWhenFinished() {
    HttpRequestScanner scanner = new HttpRequestScanner(Mode.STRIP, 1024);
    Recorder out = new Recorder();
    scanner.feed(ByteBuffer.wrap("GET / HTTP/1.1\r\nUpg".getBytes(StandardCharsets.US_ASCII)), out);

    assertThat(out.text()).isEmpty();
    assertThat(scanner.held()).isEqualTo(19);

    scanner.finish(out);

    assertThat(out.text()).isEqualTo("GET / HTTP/1.1\r\nUpg");
    assertThat(scanner.held()).isZero();
  }
}
