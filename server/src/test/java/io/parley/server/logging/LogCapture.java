package io.parley.server.logging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;

/** Keeps the records of one logger category while attached, with their MDC. Thread-safe. */
final class LogCapture extends ExtHandler implements AutoCloseable {
  private final Logger logger;
  private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
  }

  /** Captures {@code category} at every level from now until {@link #close}. */
  static LogCapture of(String category) {
    LogCapture capture = new LogCapture(Logger.getLogger(category));
    capture.setLevel(Level.ALL);
    capture.logger.addHandler(capture);
    return capture;
  }

  @Override
  protected void doPublish(ExtLogRecord record) {
    record.copyAll();
    records.add(record);
  }

  /** What was captured so far, oldest first. */
  List<ExtLogRecord> records() {
    return List.copyOf(records);
  }

  /** The captured records whose formatted message contains {@code text}. */
  List<ExtLogRecord> containing(String text) {
    return records.stream().filter(r -> r.getFormattedMessage().contains(text)).toList();
  }

  /** The captured records whose formatted message starts with {@code text}. */
  List<ExtLogRecord> starting(String text) {
    return records.stream().filter(r -> r.getFormattedMessage().startsWith(text)).toList();
  }

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
