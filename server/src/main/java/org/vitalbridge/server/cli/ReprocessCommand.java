package org.vitalbridge.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.server.Reprocessing;
import org.vitalbridge.store.ReprocessReport;
import org.vitalbridge.store.StoreException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Reprocesses quarantined messages in the configured store while the engine is stopped. */
@Command(
    name = "reprocess",
    mixinStandardHelpOptions = true,
    description = {
      "Re-run quarantined messages of the configured store with the templates and terminology on",
      "disk now (after a mapping fix) and print {\"messages\",\"nowAccepted\",\"stillRejected\"}.",
      "The engine must be stopped: while it runs, use POST /api/v1/rejections/reprocess instead.",
      "Exit 0 when it ran (messages still rejected included), 2 on usage or configuration errors",
      "or when the store is in use or unreachable."
    })
final class ReprocessCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOption config;

  /** Exactly one way of choosing the messages. */
  static final class Which {
    @Option(names = "--all", required = true, description = "Every open rejection.")
    boolean all;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "CODE",
        description = "Every open rejection of this reason (e.g. no-template, out-of-range).")
    String reason;

    @Option(
        names = "--id",
        required = true,
        arity = "1..*",
        paramLabel = "RAWID",
        description = "These journaled messages (raw message ids), whatever their state.")
    List<String> ids;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ConfigOption.Checked checked = config.loadChecked(err, System.getenv(), clock);
    if (checked == null) {
      return 2;
    }
    ReprocessReport report;
    try {
      report =
          Reprocessing.run(
              checked.config(),
              clock,
              new Reprocessing.Selection(which.all, which.reason, which.ids));
    } catch (StoreException e) {
      err.println(
          "cannot reprocess: "
              + e.getMessage()
              + (e.getMessage().contains("in use")
                  ? " — stop the engine first, or reprocess through it:"
                      + " POST /api/v1/rejections/reprocess"
                  : ""));
      err.flush();
      return 2;
    } catch (ConfigurationException | IllegalArgumentException e) {
      err.println("cannot reprocess: " + e.getMessage());
      err.flush();
      return 2;
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("messages", report.messages());
    o.put("nowAccepted", report.nowAccepted());
    o.put("stillRejected", report.stillRejected());
    PrintWriter out = spec.commandLine().getOut();
    out.println(JSON.writeValueAsString(o));
    out.flush();
    return 0;
  }
}
