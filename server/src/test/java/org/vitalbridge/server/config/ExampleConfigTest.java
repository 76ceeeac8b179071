package org.vitalbridge.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The documented configuration file ({@code config/vitalbridge.yaml}) names every key: each
 * component of {@link VitalBridgeConfig} has an embedded default, and each default is in the
 * example. A key added to the record or the defaults without documenting it fails here.
 */
class ExampleConfigTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path EXAMPLE = Path.of("../config/vitalbridge.yaml");

  private static JsonNode defaults() throws IOException {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/vitalbridge-defaults.yaml")) {
      return YAML.readTree(in);
    }
  }

  /** Dotted paths of every record component, nested records included. */
  private static void recordKeys(Class<?> type, String prefix, List<String> out) {
    for (RecordComponent c : type.getRecordComponents()) {
      String key = prefix + c.getName();
      out.add(key);
      if (c.getType().isRecord()) {
        recordKeys(c.getType(), key + ".", out);
      }
    }
  }

  /** Dotted paths of every mapping key in a YAML tree. */
  private static void treeKeys(JsonNode node, String prefix, List<String> out) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      out.add(prefix + name);
      JsonNode child = node.get(name);
      if (child.isObject()) {
        treeKeys(child, prefix + name + ".", out);
      }
    }
  }

  private static boolean has(JsonNode tree, String dotted) {
    JsonNode n = tree;
    for (String part : dotted.split("\\.")) {
      if (n == null || !n.has(part)) {
        return false;
      }
      n = n.get(part);
    }
    return true;
  }

  @Test
  void everyConfigurationKeyHasAnEmbeddedDefault() throws IOException {
    JsonNode defaults = defaults();
    List<String> keys = new ArrayList<>();
    recordKeys(VitalBridgeConfig.class, "", keys);

    assertThat(keys)
        .as("keys of VitalBridgeConfig missing from vitalbridge-defaults.yaml (add them there)")
        .filteredOn(k -> !has(defaults, k))
        .isEmpty();
  }

  @Test
  void everyDefaultIsDocumentedInTheExampleFile() throws IOException {
    JsonNode example = YAML.readTree(EXAMPLE.toFile());
    List<String> keys = new ArrayList<>();
    treeKeys(defaults(), "", keys);

    assertThat(keys)
        .as("keys missing from config/vitalbridge.yaml (document them there, with a comment)")
        .filteredOn(k -> !has(example, k))
        .isEmpty();
  }
}
