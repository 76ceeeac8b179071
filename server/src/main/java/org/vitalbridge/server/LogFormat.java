package org.vitalbridge.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.config.VitalBridgeConfig;

/**
 * Switches the log output between readable lines ({@code text}, logback.xml's pattern) and one JSON
 * object per line ({@code json}: timestamp in epoch milliseconds, level, logger, thread, the
 * formatted message, MDC and any exception). The configuration is read after Logback starts, so the
 * encoder of each stream appender of the root logger is swapped here rather than in logback.xml.
 * The JSON carries the formatted message only, never the argument array, so nothing reaches the log
 * in JSON that a text line would not show.
 */
public final class LogFormat {
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

  private LogFormat() {}

  /** Throws when {@code logging.format} is neither {@code text} nor {@code json}. */
  public static boolean json(VitalBridgeConfig.Logging logging) {
    String format = logging == null || logging.format() == null ? "text" : logging.format();
    switch (format.toLowerCase(Locale.ROOT)) {
      case "text":
        return false;
      case "json":
        return true;
      default:
        throw new ConfigurationException(
            "logging.format: must be text or json, not '" + format + "'");
    }
  }

  /** Applies {@code logging} to the running Logback (a no-op under another SLF4J binding). */
  public static void apply(VitalBridgeConfig.Logging logging) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      apply(context, json(logging));
    }
  }

  /** Gives every stream appender of {@code context}'s root logger the text or JSON encoder. */
  static void apply(LoggerContext context, boolean json) {
    Iterator<Appender<ILoggingEvent>> it =
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    while (it.hasNext()) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
        // Swapped in place: stopping the appender would close its stream (System.err for the
        // console), and the encoder is only looked up per event.
        appender.setEncoder(json ? jsonEncoder(context) : textEncoder(context));
      }
    }
  }

  static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    JsonEncoder e = new JsonEncoder();
    e.setContext(context);
    e.setWithSequenceNumber(false);
    e.setWithNanoseconds(false);
    e.setWithContext(false);
    e.setWithMarkers(false);
    e.setWithKVPList(false);
    // The raw pattern and its arguments would repeat the message in pieces; the formatted one is
    // what a text line shows.
    e.setWithMessage(false);
    e.setWithArguments(false);
    e.setWithFormattedMessage(true);
    e.start();
    return e;
  }

  static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(context);
    e.setPattern(TEXT_PATTERN);
    e.start();
    return e;
  }
}
