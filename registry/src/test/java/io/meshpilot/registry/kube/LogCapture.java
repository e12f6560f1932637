package io.meshpilot.registry.kube;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures the formatted log lines of one class while open. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Level levelBefore;
  private final boolean additiveBefore;

  public LogCapture(Class<?> type) {
    this((Logger) LoggerFactory.getLogger(type), null);
  }

  private LogCapture(Logger logger, Level level) {
    this.logger = logger;
    this.levelBefore = logger.getLevel();
    this.additiveBefore = logger.isAdditive();
    if (level != null) {
      // a raised level is captured, not printed
      logger.setLevel(level);
      logger.setAdditive(false);
    }
    appender.start();
    logger.addAppender(appender);
  }

  /** Captures a logger by name at {@code level} (e.g. a library's DEBUG line); restores its level on close. */
  public static LogCapture at(String loggerName, Level level) {
    return new LogCapture((Logger) LoggerFactory.getLogger(loggerName), level);
  }

  public List<String> lines() {
    List<ILoggingEvent> events;
    // ListAppender appends while holding its own lock (AppenderBase.doAppend); other threads may be logging
    synchronized (appender) {
      events = List.copyOf(appender.list);
    }
    return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  public long count(String fragment) {
    return lines().stream().filter(l -> l.contains(fragment)).count();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(levelBefore);
    logger.setAdditive(additiveBefore);
  }
}
