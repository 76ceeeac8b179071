package org.vitalbridge.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vitalbridge.core.ConfigurationException;

/**
 * Reads the one configuration file: embedded defaults, overlaid by the file, overlaid by
 * environment variables. A scalar at {@code store.sqliteFile} is overridden by {@code
 * VITALBRIDGE_STORE_SQLITEFILE} (path segments upper-cased, joined by underscores); list values are
 * comma-separated. Unknown keys are errors, reported with file and line.
 */
public final class ConfigLoader {
  static final String PREFIX = "VITALBRIDGE_";
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .registerModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private ConfigLoader() {}

  public static VitalBridgeConfig load(Path file, Map<String, String> env) {
    ObjectNode tree;
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/vitalbridge-defaults.yaml")) {
      tree = (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new ConfigurationException("embedded defaults unreadable: " + e.getMessage());
    }
    String source = "embedded defaults";
    if (file != null) {
      source = file.toString();
      try (InputStream in = Files.newInputStream(file)) {
        JsonNode overlay = YAML.readTree(in);
        if (overlay != null && !overlay.isNull()) {
          if (!overlay.isObject()) {
            throw new ConfigurationException(file + ": the configuration must be a YAML mapping");
          }
          merge(tree, (ObjectNode) overlay);
        }
      } catch (JsonMappingException e) {
        throw new ConfigurationException(
            file + ":" + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new ConfigurationException(file + ": cannot read: " + e.getMessage());
      }
    }
    applyEnvironment(tree, "", env);
    try {
      return YAML.treeToValue(tree, VitalBridgeConfig.class);
    } catch (UnrecognizedPropertyException e) {
      // Raised after the merge, so no line is known; the dotted key and the keys allowed there are.
      List<String> known = new ArrayList<>();
      if (e.getKnownPropertyIds() != null) {
        e.getKnownPropertyIds().forEach(k -> known.add(k.toString()));
      }
      Collections.sort(known);
      throw new ConfigurationException(
          source + ": " + path(e) + ": unknown key (known here: " + String.join(", ", known) + ")");
    } catch (JsonMappingException e) {
      throw new ConfigurationException(source + ": " + e.getOriginalMessage() + " at " + path(e));
    } catch (IOException e) {
      throw new ConfigurationException(source + ": " + e.getMessage());
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (b.length() > 0) {
        b.append('.');
      }
      b.append(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
    }
    return b.toString();
  }

  private static void merge(ObjectNode base, ObjectNode overlay) {
    for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode existing = base.get(e.getKey());
      if (existing instanceof ObjectNode o && e.getValue() instanceof ObjectNode v) {
        merge(o, v);
      } else {
        base.set(e.getKey(), e.getValue());
      }
    }
  }

  /** Replaces every scalar (and list) whose environment variable is set. */
  private static void applyEnvironment(ObjectNode node, String prefix, Map<String, String> env) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = prefix + e.getKey().toUpperCase(Locale.ROOT);
      if (e.getValue() instanceof ObjectNode child && !child.isEmpty()) {
        applyEnvironment(child, name + "_", env);
        continue;
      }
      String value = env.get(PREFIX + name);
      if (value == null) {
        continue;
      }
      if (e.getValue().isArray()) {
        var array = YAML.createArrayNode();
        for (String part : value.split(",")) {
          if (!part.isBlank()) {
            array.add(part.strip());
          }
        }
        e.setValue(array);
      } else {
        e.setValue(new TextNode(value));
      }
    }
  }
}
