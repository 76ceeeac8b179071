package org.vitalbridge.server.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.vitalbridge.store.AuditEntry;
import org.vitalbridge.store.AuditVerification;
import org.vitalbridge.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit verify} and {@code audit export}: the tamper-evident audit trail. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Verify or export the audit trail (a hash chain; docs/security.md).",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Walk the audit chain and report the first broken link (a row edited, deleted or"
            + " reordered).",
        "Exit 0 intact, 1 broken, 2 when the store cannot be opened (SQLite: stop the server"
            + " first)."
      })
  static final class Verify implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions store;
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (Store s = store.open(err, clock)) {
        if (s == null) {
          return 2;
        }
        AuditVerification v = s.audit().verify();
        if (v.intact()) {
          out.println("audit trail intact: " + v.rows() + " entries");
          out.flush();
          return 0;
        }
        out.println(
            "audit trail BROKEN at seq " + v.brokenSeq() + " (" + v.kind() + "): " + v.reason());
        out.flush();
        return 1;
      }
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write the audit trail as JSON lines (every column, with the chain's hashes) or as FHIR"
            + " R4 AuditEvent resources, one per line (NDJSON, as FHIR bulk data).",
        "Exit 0 written, 2 when the store cannot be opened."
      })
  static final class Export implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(
        names = "--format",
        paramLabel = "jsonl|fhir",
        defaultValue = "jsonl",
        description = "jsonl (default) or fhir.")
    String format;

    @Option(
        names = "--output",
        paramLabel = "FILE",
        description = "Write here instead of standard output.")
    Path output;

    @Option(
        names = "--after",
        paramLabel = "SEQ",
        defaultValue = "0",
        description = "Only entries after this seq (incremental exports).")
    long after;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      if (!format.equals("jsonl") && !format.equals("fhir")) {
        err.println("--format must be jsonl or fhir, not '" + format + "'");
        err.flush();
        return 2;
      }
      try (Store s = store.open(err, clock)) {
        if (s == null) {
          return 2;
        }
        Writer w =
            output == null
                ? spec.commandLine().getOut()
                : new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8);
        try {
          write(s, w);
        } finally {
          w.flush();
          if (output != null) {
            w.close();
          }
        }
        // The export carries patient ids: reading it is itself a PHI read (recorded after it, so
        // an export never contains its own entry).
        s.audit()
            .record(
                "cli",
                "audit.export",
                "audit?after=" + after,
                "ok",
                "format " + format + (output == null ? " to stdout" : " to a file"));
        return 0;
      }
    }

    private void write(Store s, Writer w) throws IOException {
      ObjectMapper json = new ObjectMapper();
      IParser fhir = format.equals("fhir") ? FhirContext.forR4Cached().newJsonParser() : null;
      AuditEventFhir mapper =
          fhir == null ? null : new AuditEventFhir(store.loaded.fhir().patientIdentifierSystem());
      long seq = after;
      while (true) {
        List<AuditEntry> page = s.audit().entries(seq, 1000);
        for (AuditEntry e : page) {
          w.write(
              fhir != null
                  ? fhir.encodeResourceToString(mapper.of(e))
                  : json.writeValueAsString(line(json, e)));
          w.write('\n');
          seq = e.seq();
        }
        if (page.size() < 1000) {
          return;
        }
      }
    }

    private static ObjectNode line(ObjectMapper json, AuditEntry e) {
      ObjectNode o = json.createObjectNode();
      o.put("seq", e.seq());
      o.put("at", e.at().toString());
      o.put("actor", e.event().actor());
      o.put("role", e.event().role());
      o.put("action", e.event().action());
      o.put("resource", e.event().resource());
      o.put("patient", e.event().patient());
      o.put("source", e.event().source());
      o.put("outcome", e.event().outcome());
      o.put("detail", e.event().detail());
      o.put("prevHash", e.prevHash());
      o.put("hash", e.hash());
      return o;
    }
  }
}
