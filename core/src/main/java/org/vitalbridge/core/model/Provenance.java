package org.vitalbridge.core.model;

/**
 * Where a measurement came from: the raw message it was decoded from, the adapter that received it
 * and the mapping (template id and version) that produced it. Any part may be {@code null} when not
 * known, e.g. in a dry run there is no journaled raw message.
 */
public record Provenance(String rawMessageId, String adapter, String mapping) {
  public static final Provenance NONE = new Provenance(null, null, null);
}
