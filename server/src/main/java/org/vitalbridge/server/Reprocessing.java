package org.vitalbridge.server;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.store.ReprocessReport;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoredRaw;

/**
 * Reprocesses quarantined messages with the configured mapping while the engine is stopped (the
 * {@code reprocess} command): the store is opened as {@code run} opens it, so a running engine's
 * lock refuses it with the store's own message; the pipeline and every listener stay off.
 */
public final class Reprocessing {

  /**
   * Which messages: every open rejection, the open ones of one reason code, or chosen raw ids.
   * Exactly one is set.
   */
  public record Selection(boolean all, String reason, List<String> rawIds) {
    public Selection {
      rawIds = rawIds == null ? List.of() : List.copyOf(rawIds);
    }
  }

  private Reprocessing() {}

  /**
   * Runs the reprocessing; throws {@code StoreException} when the store is in use or unreachable
   * and {@link IllegalArgumentException} naming raw ids the journal does not hold (then nothing is
   * reprocessed).
   */
  public static ReprocessReport run(VitalBridgeConfig config, Clock clock, Selection selection) {
    MessageProcessor mapping =
        Engine.processor(
            config,
            TerminologyLoader.load(config.harmonizer().terminology()),
            Engine.templates(config));
    try (Store store =
        Store.open(
            Engine.storeConfig(config), mapping, clock, new RetentionPolicy(null, null, 0, 0))) {
      if (!selection.rawIds().isEmpty()) {
        List<Long> seqs = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String id : selection.rawIds()) {
          store
              .rawMessages()
              .byId(id)
              .map(StoredRaw::seq)
              .ifPresentOrElse(seqs::add, () -> unknown.add(id));
        }
        if (!unknown.isEmpty()) {
          throw new IllegalArgumentException(
              "no raw message with id " + String.join(", ", unknown) + " in the journal");
        }
        return store.reprocessor().messages(mapping, seqs);
      }
      if (selection.reason() != null) {
        return store.reprocessor().rejected(mapping, selection.reason());
      }
      return store.reprocessor().rejected(mapping);
    }
  }
}
