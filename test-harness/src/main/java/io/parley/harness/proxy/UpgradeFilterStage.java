package io.parley.harness.proxy;

import io.parley.harness.fault.FaultRule;
import io.parley.harness.fault.UpgradeFilter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Runs an {@link HttpRequestScanner} over the client's bytes. A refused upgrade is answered with
 * {@code 403 Forbidden} and the connection closes. Detaching forwards a partly read request head.
 */
final class UpgradeFilterStage extends Stage implements HttpRequestScanner.Output {

  private final HttpRequestScanner scanner;

  UpgradeFilterStage(FaultRule rule, Link link, UpgradeFilter filter) {
    super(rule, link);
    this.scanner = new HttpRequestScanner(filter.mode(), HttpRequestScanner.MAX_HEAD_BYTES);
  }

  @Override
  public void accept(ByteBuffer data) {
    scanner.feed(data, this);
  }

  @Override
  public void end() {
    scanner.finish(this);
    next.end();
  }

  @Override
  public void forward(ByteBuffer bytes) {
    next.accept(bytes);
  }

  @Override
  public void refuse() {
    String body = "WebSocket upgrade refused by fault '" + name() + "'\n";
    String response =
        "HTTP/1.1 403 Forbidden\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n"
            + "Connection: close\r\n"
            + "\r\n"
            + body;
    link.connection.respondAndClose(
        response.getBytes(StandardCharsets.UTF_8), "upgrade_filter fault '" + name() + "'");
  }

  @Override
  long held() {
    return scanner.held();
  }

  @Override
  void detach() {
    scanner.finish(this);
  }
}
