package org.vitalbridge.server.cli;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.hl7v2.Hl7Acknowledgment;
import org.vitalbridge.hl7v2.Hl7Messages;
import org.vitalbridge.hl7v2.Pcd01Acknowledger;
import org.vitalbridge.hl7v2.Pcd01Decoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Dry run of HL7 v2 PCD-01 files as one sender's stream: outcomes and the ACK per message. */
@Command(
    name = "hl7",
    mixinStandardHelpOptions = true,
    description = {
      "Read HL7 v2 files (one message each, no MLLP framing) as one sender's stream and print",
      "measurement / rejected / duplicate lines and one ack line per message. Exit 0 when it ran,",
      "2 on usage errors."
    })
final class Hl7Command implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--zone",
      paramLabel = "IANA_ZONE",
      description = "Zone for OBX-14 without offset.")
  String zone;

  @Option(
      names = "--terminology",
      paramLabel = "FILE",
      description = "Terminology override file(s).")
  List<Path> terminology = new java.util.ArrayList<>();

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "HL7 v2 message files.")
  List<Path> files;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MessageProcessor processor;
    try {
      ZoneId z = zone == null ? null : ZoneId.of(zone);
      processor =
          new MessageProcessor(
              List.of(new Pcd01Decoder()),
              DryRun.harmonizer(TerminologyLoader.load(terminology), z, Duration.ofMinutes(5)));
    } catch (DateTimeException e) {
      err.println("unknown zone '" + zone + "'");
      return 2;
    } catch (ConfigurationException e) {
      err.println(e.getMessage());
      return 2;
    }
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        err.println(f + ": no such readable file");
        return 2;
      }
    }
    Pcd01Acknowledger acks = new Pcd01Acknowledger();
    // What each measurement id was last printed with: a later message of the same observation is a
    // duplicate unless its result status moves the stored one forward (P then F, then W).
    Map<UUID, MeasurementStatus> printed = new HashMap<>();
    Map<String, Hl7Acknowledgment> seen = new HashMap<>();
    for (Path file : files) {
      String source = file.toString();
      // As the listener reads a frame: in the character set MSH-18 names (else UTF-8), so a file
      // from a Latin-1 sender is neither a crash nor mojibake.
      byte[] bytes = Files.readAllBytes(file);
      String er7 = Hl7Messages.text(bytes, StandardCharsets.UTF_8);
      Message message;
      try {
        message = Hl7Messages.parse(er7);
      } catch (HL7Exception e) {
        out.println(
            NormalizeCommand.rejectedLine(
                "decode",
                new Rejection(
                    RejectionReason.MALFORMED_PAYLOAD,
                    null,
                    "not an HL7 v2 message: " + e.getMessage()),
                source));
        out.println(ack(source, new Hl7Acknowledgment("AR", null, List.of(), null)));
        continue;
      }
      String key;
      try {
        key = Hl7Messages.resendKey(message);
      } catch (HL7Exception e) {
        key = source;
      }
      Hl7Acknowledgment previous = seen.get(key);
      if (previous != null) {
        out.println(ack(source, previous));
        continue;
      }
      Optional<Hl7Acknowledgment.Error> refusal = acks.refusal(message);
      if (refusal.isPresent()) {
        Hl7Acknowledgment ar = acks.refused(message, refusal.get());
        out.println(ack(source, ar));
        continue;
      }
      RawMessage raw =
          new RawMessage(
              key, bytes, Hl7Messages.CONTENT_TYPE, "cli", source, null, clock.instant());
      List<Outcome> outcomes = processor.process(raw);
      for (Outcome o : outcomes) {
        if (o instanceof Outcome.Accepted a) {
          Measurement m = a.measurement();
          MeasurementStatus before = printed.get(m.id());
          if (before == null || m.status().supersedes(before)) {
            printed.put(m.id(), m.status());
            out.println(NormalizeCommand.measurementLine(m, source));
          } else {
            out.println(NormalizeCommand.duplicateLine(m, source));
          }
        } else {
          Outcome.Rejected r = (Outcome.Rejected) o;
          out.println(NormalizeCommand.rejectedLine(r.stage(), r.rejection(), source));
        }
      }
      Hl7Acknowledgment ack = acks.processed(message, outcomes);
      seen.put(key, ack);
      out.println(ack(source, ack));
    }
    out.flush();
    return 0;
  }

  private static String ack(String source, Hl7Acknowledgment a) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", "ack");
    o.put("source", source);
    o.put("code", a.code());
    o.put("controlId", a.controlId());
    ArrayNode errors = o.putArray("errors");
    for (Hl7Acknowledgment.Error e : a.errors()) {
      ObjectNode x = errors.addObject();
      x.put("location", e.location());
      x.put("code", e.code());
      x.put("text", e.text());
    }
    o.put("hl7", a.er7());
    return JSON.writeValueAsString(o);
  }
}
