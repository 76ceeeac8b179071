package org.vitalbridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.config.VitalBridgeConfig;

class LogFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A Logback context of its own whose root logs into {@code out} with the text pattern. */
  private static LoggerContext context(ByteArrayOutputStream out) {
    LoggerContext context = new LoggerContext();
    // MDC values set through SLF4J land in the application's adapter: share it.
    context.setMDCAdapter(MDC.getMDCAdapter());
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("STDERR");
    appender.setEncoder(LogFormat.textEncoder(context));
    appender.setOutputStream(out);
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    return context;
  }

  @Test
  void jsonModeWritesOneParseableObjectPerLineWithMdcAndNoArgumentArray() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoggerContext context = context(out);
    LogFormat.apply(context, true);
    Logger log = context.getLogger("org.vitalbridge.test");

    MDC.put("adapter", "mllp");
    MDC.put("rawId", "raw-42");
    try {
      log.info("stored {} measurements", 4);
      log.warn("line with \"quotes\"\nand a newline", new IllegalStateException("boom"));
    } finally {
      MDC.clear();
    }

    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    assertThat(lines).hasSize(2);
    JsonNode first = lines.get(0);
    assertThat(first.get("timestamp").asLong()).isPositive();
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("loggerName").asText()).isEqualTo("org.vitalbridge.test");
    assertThat(first.get("threadName").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(first.get("formattedMessage").asText()).isEqualTo("stored 4 measurements");
    assertThat(first.get("mdc").get("adapter").asText()).isEqualTo("mllp");
    assertThat(first.get("mdc").get("rawId").asText()).isEqualTo("raw-42");
    assertThat(first.has("arguments")).isFalse();
    assertThat(lines.get(1).get("formattedMessage").asText()).contains("\"quotes\"\nand");
    assertThat(lines.get(1).get("throwable").toString()).contains("boom");
  }

  @Test
  void textModeStaysReadable() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoggerContext context = context(out);
    LogFormat.apply(context, true);
    LogFormat.apply(context, false);

    context.getLogger("org.vitalbridge.test").info("stored {} measurements", 4);

    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(" INFO  [")
        .contains("org.vitalbridge.test - stored 4 measurements")
        .doesNotStartWith("{");
  }

  @Test
  void anUnknownFormatIsAConfigurationErrorNamingTheKey() {
    assertThat(LogFormat.json(new VitalBridgeConfig.Logging("JSON"))).isTrue();
    assertThat(LogFormat.json(new VitalBridgeConfig.Logging("text"))).isFalse();
    assertThatThrownBy(() -> LogFormat.json(new VitalBridgeConfig.Logging("xml")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("logging.format: must be text or json, not 'xml'");
  }
}
