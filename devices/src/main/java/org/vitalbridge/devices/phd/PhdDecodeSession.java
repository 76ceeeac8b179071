package org.vitalbridge.devices.phd;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/**
 * One association's APDU stream decoded offline, as the manager would have answered it: for a dry
 * run such as {@code decode --format phd FILE...}. Feed APDUs (or a byte stream of them) in order;
 * each step gives the readings and rejections the journaled reports decode to and the reply APDUs
 * the manager sends (confirmed reports are answered at once, there is no journal here). Never
 * throws on bad bytes: they become a rejection and, when associated, an ABRT.
 */
public final class PhdDecodeSession {
  private final PhdManager manager;

  /**
   * What one APDU (or stream) gave.
   *
   * @param readings decoded observations, before harmonization
   * @param rejections parts that gave no reading, with the reason
   * @param replies the manager's reply APDUs, in order
   */
  public record Step(
      List<DeviceReading> readings, List<Rejection> rejections, List<byte[]> replies) {
    public Step {
      readings = List.copyOf(readings);
      rejections = List.copyOf(rejections);
      replies = List.copyOf(replies);
    }

    /** The replies as space-separated upper-case hex bytes, one APDU per entry. */
    public List<String> repliesHex() {
      return replies.stream().map(PhdDecodeSession::hex).toList();
    }
  }

  private PhdDecodeSession(ZoneId zone) {
    this.manager = new PhdManager(new ConcurrentHashMap<>(), zone);
  }

  /** A session whose local time stamps are read in {@code zone}, or the device's zone if null. */
  public static PhdDecodeSession open(ZoneId zone) {
    return new PhdDecodeSession(zone);
  }

  /** Feeds one complete APDU. */
  public Step feed(byte[] apdu) {
    List<DeviceReading> readings = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    List<byte[]> replies = new ArrayList<>();
    PhdManager.Step step = manager.receive(apdu.clone());
    replies.addAll(step.replies());
    if (step.malformed() != null) {
      rejections.add(step.malformed());
    }
    for (PhdManager.Report report : step.reports()) {
      RawMessage raw =
          new RawMessage(
              "phd-dry-run",
              report.payload(),
              report.contentType(),
              "phd",
              null,
              null,
              Instant.EPOCH);
      MappingResult result = new PhdReportDecoder().decode(raw);
      if (result instanceof MappingResult.Mapped m) {
        readings.addAll(m.readings());
        rejections.addAll(m.rejected());
      } else {
        rejections.add(((MappingResult.Failed) result).rejection());
      }
      if (report.replyAfterCommit() != null) {
        replies.add(report.replyAfterCommit());
      }
    }
    return new Step(readings, rejections, replies);
  }

  /**
   * Feeds a byte stream of APDUs (a capture of one association). Bytes that do not frame as APDUs
   * end the stream with a rejection naming their offset; the APDUs before them are fed.
   */
  public Step feedStream(byte[] stream) {
    List<DeviceReading> readings = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    List<byte[]> replies = new ArrayList<>();
    MderReader r = new MderReader(stream);
    while (r.hasRemaining()) {
      int start = r.offset();
      try {
        int choice = r.u16("APDU choice");
        if (!ApduFramer.knownChoice(choice)) {
          throw new MderException(start, String.format("not an APDU choice: 0x%04X", choice));
        }
        r.skip(r.u16("APDU length"), "APDU");
      } catch (MderException e) {
        rejections.add(new Rejection(RejectionReason.MALFORMED_PAYLOAD, null, e.getMessage()));
        break;
      }
      byte[] apdu = new byte[r.offset() - start];
      System.arraycopy(stream, start, apdu, 0, apdu.length);
      Step s = feed(apdu);
      readings.addAll(s.readings());
      rejections.addAll(s.rejections());
      replies.addAll(s.replies());
    }
    return new Step(readings, rejections, replies);
  }

  /** Bytes from hex text: pairs of hex digits, separated by any whitespace (or none). */
  public static byte[] parseHex(String text) {
    String digits = text.replaceAll("\\s+", "");
    return HexFormat.of().parseHex(digits);
  }

  /** Space-separated upper-case hex bytes. */
  public static String hex(byte[] bytes) {
    return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
  }
}
