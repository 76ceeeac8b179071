package org.vitalbridge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.server.Engine;
import org.vitalbridge.server.config.ConfigLoader;
import org.vitalbridge.store.Store;

/**
 * {@code audit verify} on an intact chain (exit 0) and after a row was edited or deleted by SQL
 * (exit 1, the first broken seq named); {@code audit export} as JSON lines and FHIR AuditEvents;
 * {@code token create} prints a token once and audits the issue.
 */
class AuditCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path config() throws Exception {
    return Files.writeString(
        tmp.resolve("vb.yaml"),
        "store:\n  sqliteFile: " + tmp.resolve("vb.db") + "\n  sqliteSynchronous: NORMAL\n");
  }

  private void threeEntries(Path config) {
    try (Store s = Engine.openStore(ConfigLoader.load(config, Map.of()), Clock.systemUTC())) {
      s.audit()
          .append(
              new org.vitalbridge.store.AuditEvent(
                  "nurse-3",
                  "viewer",
                  "GET /api/v1/measurements",
                  "device=ACME-1",
                  "P-0077",
                  "10.1.2.3",
                  "200",
                  "via jwt"));
      s.audit()
          .append(
              new org.vitalbridge.store.AuditEvent(
                  "anonymous",
                  null,
                  "GET /api/v1/flow",
                  null,
                  null,
                  "10.1.2.4",
                  "401",
                  "no bearer token"));
      s.audit().record("cli", "token.create", "token/abc", "ok", "role device");
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("vb.db"));
        Statement st = c.createStatement()) {
      st.executeUpdate(statement);
    }
  }

  @Test
  void verifyReportsAnIntactChainThenTheFirstEditedRow() throws Exception {
    Path config = config();
    threeEntries(config);
    Run ok = run("audit", "verify", "--config", config.toString());
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("intact: 3 entries");

    sql("UPDATE audit SET outcome = '200' WHERE seq = 2");
    Run edited = run("audit", "verify", "--config", config.toString());
    assertThat(edited.exit()).isEqualTo(1);
    assertThat(edited.out()).contains("BROKEN at seq 2 (edited)");
  }

  @Test
  void verifyReportsADeletedRow() throws Exception {
    Path config = config();
    threeEntries(config);
    sql("DELETE FROM audit WHERE seq = 1");
    Run deleted = run("audit", "verify", "--config", config.toString());
    assertThat(deleted.exit()).isEqualTo(1);
    assertThat(deleted.out()).contains("BROKEN at seq 1 (deleted)");
  }

  @Test
  void exportWritesJsonLinesAndFhirAuditEvents() throws Exception {
    Path config = config();
    threeEntries(config);
    Run jsonl = run("audit", "export", "--config", config.toString(), "--format", "jsonl");
    assertThat(jsonl.exit()).as(jsonl.err()).isZero();
    String[] lines = jsonl.out().strip().split("\n");
    assertThat(lines).hasSize(3);
    JsonNode first = JSON.readTree(lines[0]);
    assertThat(first.get("seq").asLong()).isEqualTo(1);
    assertThat(first.get("patient").asText()).isEqualTo("P-0077");
    assertThat(first.get("prevHash").asText()).isEqualTo("0".repeat(64));
    assertThat(JSON.readTree(lines[1]).get("prevHash").asText())
        .isEqualTo(first.get("hash").asText());

    Path out = tmp.resolve("audit.ndjson");
    Run fhir =
        run(
            "audit",
            "export",
            "--config",
            config.toString(),
            "--format",
            "fhir",
            "--output",
            out.toString(),
            "--after",
            "1");
    assertThat(fhir.exit()).as(fhir.err()).isZero();
    var parser = FhirContext.forR4Cached().newJsonParser();
    var events =
        Files.readAllLines(out).stream()
            .map(l -> parser.parseResource(AuditEvent.class, l))
            .toList();
    // Entries 2 and 3, and the first export's own entry (4).
    assertThat(events).hasSize(3);
    assertThat(events.get(2).getSubtypeFirstRep().getCode()).isEqualTo("audit.export");
    AuditEvent refused = events.get(0);
    assertThat(refused.getType().getCode()).isEqualTo("rest");
    assertThat(refused.getSubtypeFirstRep().getCode()).isEqualTo("GET /api/v1/flow");
    assertThat(refused.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
    assertThat(refused.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
    assertThat(refused.getAgentFirstRep().getNetwork().getAddress()).isEqualTo("10.1.2.4");
    AuditEvent cli = events.get(1);
    assertThat(cli.getType().getCode()).isEqualTo("110100");
    assertThat(cli.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);

    Run all = run("audit", "export", "--config", config.toString(), "--format", "fhir");
    AuditEvent read = parser.parseResource(AuditEvent.class, all.out().split("\n")[0]);
    assertThat(read.getEntity().get(0).getWhat().getIdentifier().getValue()).isEqualTo("P-0077");
    assertThat(read.getAgentFirstRep().getRoleFirstRep().getText()).isEqualTo("viewer");

    assertThat(run("audit", "export", "--config", config.toString(), "--format", "csv").exit())
        .isEqualTo(2);
    // Each export was audited, after it ran; the chain still verifies.
    Run again = run("audit", "export", "--config", config.toString());
    assertThat(again.out().strip().split("\n")).hasSize(6);
    assertThat(again.out()).contains("\"action\":\"audit.export\"");
    assertThat(run("audit", "verify", "--config", config.toString()).exit()).isZero();
  }

  @Test
  void tokenCreatePrintsATokenOnceAndAuditsTheIssue() throws Exception {
    Path config = config();
    Run created = tokenCreate(config, "device", "gw-7");
    assertThat(created.exit()).as(created.err()).isZero();
    String token = created.out().strip();
    assertThat(token).startsWith("vb_");
    try (Store s = Engine.openStore(ConfigLoader.load(config, Map.of()), Clock.systemUTC())) {
      String id = token.substring(3, token.indexOf('.'));
      assertThat(s.credentials().find(id))
          .hasValueSatisfying(
              r -> {
                assertThat(r.role()).isEqualTo("device");
                assertThat(r.hash()).doesNotContain(token.substring(token.indexOf('.') + 1));
              });
      assertThat(s.audit().entries(0, 10))
          .singleElement()
          .satisfies(e -> assertThat(e.event().action()).isEqualTo("token.create"));
    }
    assertThat(tokenCreate(config, "root", "x").exit()).isEqualTo(2);
  }

  @Test
  void tokenCreateWithExpiresInStoresTheExpiryAndRefusesBadDurations() throws Exception {
    Path config = config();
    Instant before = Instant.now();
    Run created = tokenCreate(config, "viewer", "night-shift", "--expires-in", "PT12H");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.err()).contains("expires ");
    String token = created.out().strip();
    try (Store s = Engine.openStore(ConfigLoader.load(config, Map.of()), Clock.systemUTC())) {
      String id = token.substring(3, token.indexOf('.'));
      assertThat(s.credentials().find(id))
          .hasValueSatisfying(
              r ->
                  assertThat(r.expiresAt())
                      .isBetween(
                          before.plus(Duration.ofHours(12)),
                          Instant.now().plus(Duration.ofHours(12))));
    }
    for (String bad : new String[] {"90 days", "PT0S", "-P1D"}) {
      Run refused = tokenCreate(config, "viewer", "x", "--expires-in", bad);
      assertThat(refused.exit()).as(bad).isEqualTo(2);
      assertThat(refused.err()).contains("--expires-in");
    }
  }

  private static Run tokenCreate(Path config, String role, String subject, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "token",
                "create",
                "--config",
                config.toString(),
                "--role",
                role,
                "--subject",
                subject));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }
}
