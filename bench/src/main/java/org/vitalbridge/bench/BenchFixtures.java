package org.vitalbridge.bench;

import java.nio.file.Path;
import java.util.List;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;

/** The production processor (JSON templates + harmonizer) for load runs. */
public final class BenchFixtures {
  private BenchFixtures() {}

  public static MessageProcessor processor(Path templates) {
    return new MessageProcessor(
        List.of(new JsonTemplateDecoder(TemplateLoader.loadDirectory(templates))),
        new Harmonizer(
            TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
  }
}
