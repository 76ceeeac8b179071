package org.vitalbridge.server.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every dry-run command shares: templates, zone, terminology, payload files. */
final class MappingOptions {
  @Option(
      names = "--templates",
      required = true,
      paramLabel = "DIR",
      description = "Directory of mapping templates (*.yaml).")
  Path templates;

  @Option(
      names = "--zone",
      paramLabel = "IANA_ZONE",
      description = "Zone for local times without an offset (e.g. Europe/Berlin).")
  String zone;

  @Option(
      names = "--terminology",
      paramLabel = "FILE",
      description = "Terminology override file(s) extending or changing the shipped metrics.")
  List<Path> terminology = new ArrayList<>();

  @Option(
      names = "--future-tolerance",
      paramLabel = "DURATION",
      defaultValue = "PT5M",
      description =
          "Clock-skew tolerance before a timestamp is flagged future (ISO-8601, default PT5M).")
  Duration futureTolerance;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Payload files (JSON or NDJSON).")
  List<Path> files;
}
