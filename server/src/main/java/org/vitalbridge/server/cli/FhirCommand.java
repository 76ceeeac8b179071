package org.vitalbridge.server.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Bundle;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.fhir.FhirMappingOptions;
import org.vitalbridge.fhir.FhirTransactionMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints the FHIR transaction Bundle that payload files would produce (same code as the server).
 */
@Command(
    name = "fhir",
    mixinStandardHelpOptions = true,
    description = {
      "Map payload files and print the FHIR R4 transaction Bundle (JSON) VitalBridge would send.",
      "Rejections are listed on stderr. Exit 0 when it ran, 2 on usage or template errors."
    })
final class FhirCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin MappingOptions options;

  @Option(
      names = "--patient-system",
      paramLabel = "URI",
      description = "Identifier system of patient ids (default: ${DEFAULT-VALUE}).",
      defaultValue = "http://vitalbridge.org/fhir/NamingSystem/patient-id")
  String patientSystem;

  @Option(
      names = "--device-system",
      paramLabel = "URI",
      description = "Identifier system of non-EUI-64 device ids (default: ${DEFAULT-VALUE}).",
      defaultValue = "http://vitalbridge.org/fhir/NamingSystem/device-id")
  String deviceSystem;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    DryRun dryRun = DryRun.prepare(options, err, clock);
    if (dryRun == null) {
      return 2;
    }
    List<Measurement> measurements = new ArrayList<>();
    for (DryRun.Result r : dryRun.run(options.files)) {
      if (r.outcome() instanceof Outcome.Accepted a) {
        if (!r.duplicate()) {
          measurements.add(a.measurement());
        }
      } else {
        Outcome.Rejected rejected = (Outcome.Rejected) r.outcome();
        err.println(
            r.source()
                + ": rejected "
                + rejected.rejection().reason().code()
                + ": "
                + rejected.rejection().detail());
      }
    }
    Bundle bundle =
        new FhirTransactionMapper(
                dryRun.terminology(), new FhirMappingOptions(patientSystem, deviceSystem))
            .transaction(measurements);
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        FhirContext.forR4Cached()
            .newJsonParser()
            .setPrettyPrint(true)
            .encodeResourceToString(bundle));
    out.flush();
    err.flush();
    return 0;
  }
}
