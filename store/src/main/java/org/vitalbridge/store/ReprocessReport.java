package org.vitalbridge.store;

/**
 * What a reprocess run did.
 *
 * @param messages raw messages re-run
 * @param nowAccepted of those, messages that now produce no rejection
 * @param stillRejected of those, messages that still produce at least one rejection
 */
public record ReprocessReport(long messages, long nowAccepted, long stillRejected) {}
