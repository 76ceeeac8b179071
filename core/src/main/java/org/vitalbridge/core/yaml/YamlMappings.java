package org.vitalbridge.core.yaml;

import java.io.Reader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * YAML read as a node tree, so that every problem in a configuration file can be reported with the
 * line it is on.
 */
public final class YamlMappings {
  private YamlMappings() {}

  /** Composes the document; SnakeYAML's syntax errors carry their own line. */
  public static Node compose(Reader reader) {
    return new Yaml(new LoaderOptions()).compose(reader);
  }

  /** 1-based line of a node. */
  public static int line(Node node) {
    return node == null ? 1 : node.getStartMark().getLine() + 1;
  }

  /**
   * The fields of a mapping by key. Unknown keys and repeated keys are reported to {@code problem}
   * (with the offending node) and left out.
   */
  public static Map<String, Node> fields(
      MappingNode mapping, Set<String> allowed, String where, BiConsumer<Node, String> problem) {
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      String key = keyNode instanceof ScalarNode s ? s.getValue() : null;
      if (key == null || !allowed.contains(key)) {
        problem.accept(
            keyNode,
            "unknown key '"
                + key
                + "' in "
                + where
                + " (expected one of: "
                + String.join(", ", allowed.stream().sorted().toList())
                + ")");
      } else if (out.containsKey(key)) {
        problem.accept(keyNode, "key '" + key + "' appears twice in " + where);
      } else {
        out.put(key, tuple.getValueNode());
      }
    }
    return out;
  }
}
