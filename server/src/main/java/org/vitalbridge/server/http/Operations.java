package org.vitalbridge.server.http;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.vitalbridge.core.pipeline.MessageProcessor;

/**
 * What the operator endpoints need beyond the store.
 *
 * @param mapping the mapping as it is on disk now (templates and terminology read again), for
 *     reprocessing and dry runs: a fix is picked up without a restart; throws {@code
 *     ConfigurationException} while the files are broken
 * @param templates the templates directory, or {@code null} when none is configured
 * @param destinations the configured destinations (listed even before their first measurement)
 */
public record Operations(
    Supplier<MessageProcessor> mapping, Path templates, List<String> destinations) {
  public Operations {
    destinations = List.copyOf(destinations);
  }

  /**
   * Reprocessing and dry runs with one fixed processor, templates listed from {@code templates}.
   */
  public static Operations of(MessageProcessor processor, Path templates) {
    return new Operations(() -> processor, templates, List.of());
  }

  /** None: reprocessing and dry runs answer 503 (the API runs without a mapping). */
  static Operations none() {
    return new Operations(null, null, List.of());
  }
}
