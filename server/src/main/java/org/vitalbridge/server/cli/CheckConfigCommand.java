package org.vitalbridge.server.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.vitalbridge.server.config.VitalBridgeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Checks a configuration as {@code run} would, without opening the store or binding a port. */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = {
      "Check the configuration (file, environment overrides, templates, terminology, zones, TLS key",
      "stores, every section's limits) as run would, without opening the store or binding a port.",
      "Exit 0 with one OK line; 2 with one 'SOURCE: key: reason' line per problem on stderr."
    })
final class CheckConfigCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOption config;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    ConfigOption.Checked checked =
        config.loadChecked(spec.commandLine().getErr(), System.getenv(), clock);
    if (checked == null) {
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("OK " + config.source() + ": " + summary(checked));
    out.flush();
    return 0;
  }

  /** Where each part would listen and store, on one line. */
  static String summary(ConfigOption.Checked checked) {
    VitalBridgeConfig c = checked.config();
    StringBuilder b = new StringBuilder();
    b.append("store ").append(c.store().backend()).append(' ');
    b.append(
        c.store().backend().equals("sqlite") ? c.store().sqliteFile() : c.store().postgresqlUrl());
    b.append("; ").append(checked.result().templates()).append(" templates");
    b.append("; http ").append(c.http().host()).append(':').append(c.http().port());
    b.append("; mllp ")
        .append(
            c.hl7().mllp().enabled() ? c.hl7().mllp().host() + ":" + c.hl7().mllp().port() : "off");
    b.append("; mqtt ").append(c.mqtt().mode());
    if (c.mqtt().mode().equals("embedded")) {
      b.append(' ')
          .append(c.mqtt().embedded().host())
          .append(':')
          .append(c.mqtt().embedded().port());
    }
    b.append("; fhir ").append(c.fhir().enabled() ? c.fhir().baseUrl() : "off");
    b.append("; hl7 destination ")
        .append(
            c.hl7().destination().enabled()
                ? c.hl7().destination().host() + ":" + c.hl7().destination().port()
                : "off");
    b.append("; logging ").append(c.logging().format());
    return b.toString();
  }
}
