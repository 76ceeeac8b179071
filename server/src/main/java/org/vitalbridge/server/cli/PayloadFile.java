package org.vitalbridge.server.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;

/**
 * Splits a payload file into payloads with their line numbers. NDJSON (one payload per line, or a
 * {@code .ndjson}/{@code .jsonl} name) is read line by line so one broken line spoils nothing else;
 * otherwise the file is one JSON document or several concatenated ones.
 */
final class PayloadFile {

  /** One payload: parsed, or the parse error. */
  record Payload(int line, JsonNode json, String error) {}

  private PayloadFile() {}

  static List<Payload> read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String name = file.getFileName().toString();
    if (name.endsWith(".ndjson") || name.endsWith(".jsonl") || looksLineDelimited(text)) {
      return byLine(text);
    }
    return byDocument(text);
  }

  private static boolean looksLineDelimited(String text) {
    String[] lines = text.split("\r?\n");
    int nonBlank = 0;
    String first = null;
    for (String l : lines) {
      if (!l.isBlank()) {
        nonBlank++;
        if (first == null) {
          first = l;
        }
      }
    }
    if (nonBlank < 2) {
      return false;
    }
    try {
      JsonTemplateDecoder.JSON.readTree(first);
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private static List<Payload> byLine(String text) {
    List<Payload> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      try {
        out.add(new Payload(i + 1, JsonTemplateDecoder.JSON.readTree(lines[i]), null));
      } catch (JsonProcessingException e) {
        out.add(new Payload(i + 1, null, describe(e)));
      }
    }
    return out;
  }

  private static List<Payload> byDocument(String text) throws IOException {
    List<Payload> out = new ArrayList<>();
    try (JsonParser parser = JsonTemplateDecoder.JSON.createParser(text)) {
      int start = 1;
      try {
        while (parser.nextToken() != null) {
          start = parser.currentTokenLocation().getLineNr();
          JsonNode node = parser.readValueAsTree();
          out.add(new Payload(start, node, null));
        }
      } catch (JsonProcessingException e) {
        out.add(new Payload(start, null, describe(e)));
      }
    }
    return out;
  }

  private static String describe(JsonProcessingException e) {
    return "not valid JSON"
        + (e.getLocation() != null ? " (column " + e.getLocation().getColumnNr() + ")" : "")
        + ": "
        + e.getOriginalMessage().split("\\s*\\(start marker|\\n")[0];
  }
}
