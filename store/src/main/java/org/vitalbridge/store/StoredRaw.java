package org.vitalbridge.store;

import org.vitalbridge.core.model.RawMessage;

/** A journaled raw message with its journal position and processing state. */
public record StoredRaw(long seq, RawMessage message, String state) {}
