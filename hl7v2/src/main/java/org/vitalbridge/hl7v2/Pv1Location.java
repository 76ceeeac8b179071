package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import java.util.ArrayList;
import java.util.List;

/**
 * A PV1 person location (PL: point of care^room^bed^facility...) as the bed name VitalBridge keys
 * associations by, {@code ICU/301/1}. PCD-01 and ADT name beds through this one function so that
 * they agree. Each of the first three components keeps its place ({@code ^^7} is bed 7, {@code
 * //7}, not point of care 7) because senders leave room or point of care empty, and {@link
 * Pcd01Encoder} splits the name back into the same components. The facility (PL-4) is not part of
 * the name. Components are read unescaped ({@code \T\} is {@code &}).
 */
final class Pv1Location {
  private static final int NAMED_COMPONENTS = 3;

  private Pv1Location() {}

  /** The bed name, {@code null} when the first three components are empty. */
  static String bed(Type location) {
    Type t = unwrap(location);
    List<String> parts = new ArrayList<>();
    if (t instanceof Composite c) {
      Type[] components = c.getComponents();
      for (int i = 0; i < Math.min(NAMED_COMPONENTS, components.length); i++) {
        parts.add(text(components[i]));
      }
    } else {
      parts.add(text(t));
    }
    while (!parts.isEmpty() && parts.get(parts.size() - 1).isEmpty()) {
      parts.remove(parts.size() - 1);
    }
    return parts.isEmpty() ? null : String.join("/", parts);
  }

  /** A component's text; a composite component (HD point of care in v2.7+) by its first part. */
  private static String text(Type component) {
    Type t = unwrap(component);
    if (t instanceof Composite c) {
      Type[] parts = c.getComponents();
      return parts.length == 0 ? "" : text(parts[0]);
    }
    String value = t instanceof Primitive p ? p.getValue() : null;
    return value == null ? "" : value.strip();
  }

  private static Type unwrap(Type t) {
    return t instanceof Varies v ? v.getData() : t;
  }
}
