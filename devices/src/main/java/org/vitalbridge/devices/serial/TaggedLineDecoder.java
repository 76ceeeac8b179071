package org.vitalbridge.devices.serial;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;

/**
 * Reads one line of a tagged ASCII protocol ({@code KEY=value} fields, perhaps after a leading
 * date/time) by its {@link LineSpec}. Total: any text gives readings and rejections or a failed
 * result, never an exception. A value the device marks as absent (dash-filled, or a status bit that
 * says there is no valid value) is a {@link RejectionReason#NO_VALUE} rejection, never a number.
 */
final class TaggedLineDecoder implements SerialProtocol {
  /** An unsigned or signed decimal without exponent: what these devices write. */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");

  /** Longer status words are not what any table describes (a long holds 16 hex digits). */
  private static final int MAX_STATUS_CHARS = 15;

  private final LineSpec spec;
  private final TimeSpec timeSpec;

  TaggedLineDecoder(LineSpec spec) {
    this.spec = spec;
    this.timeSpec =
        spec.time() == null ? null : new TimeSpec(TimeFormat.LOCAL, null, spec.time().formatter());
  }

  @Override
  public String name() {
    return spec.name();
  }

  /**
   * Decodes {@code line} (without its terminator).
   *
   * @param configuredDevice the device id the port is configured with; it wins over the line's own
   *     serial number because it is what zones and associations are configured by
   */
  @Override
  public MappingResult decode(String line, String configuredDevice) {
    String text = stripTerminator(line);
    Map<String, Region> found = new LinkedHashMap<>();
    int firstTag = text.length();
    List<Region> regions = scan(text);
    for (Region r : regions) {
      firstTag = Math.min(firstTag, r.tagStart);
      if (found.putIfAbsent(r.tag, r) != null && isConfigured(r.tag)) {
        // Two lines run together (a lost terminator) or a garbled line: which value is current
        // cannot be told, so the line is quarantined whole.
        return failed(
            RejectionReason.MALFORMED_PAYLOAD,
            r.tag,
            "field " + r.tag + spec.assign() + " appears twice: not one " + spec.name() + " line");
      }
    }
    if (spec.values().stream().noneMatch(v -> found.containsKey(v.tag()))) {
      return failed(
          RejectionReason.MALFORMED_PAYLOAD,
          null,
          "not a "
              + spec.name()
              + " line: none of the fields "
              + String.join(", ", spec.values().stream().map(v -> v.tag() + spec.assign()).toList())
              + " found");
    }
    String timestamp = null;
    if (spec.time() != null) {
      Region t = spec.time().tag() == null ? null : found.get(spec.time().tag());
      timestamp =
          spec.time().tag() == null
              ? strip(text.substring(0, firstTag))
              : t == null ? "" : strip(t.text(text));
      if (timestamp.isEmpty()) {
        String field = spec.time().tag() == null ? "time" : spec.time().tag();
        return failed(
            RejectionReason.MISSING_FIELD,
            field,
            "no date/time ('" + spec.time().pattern() + "') in " + spec.name() + " line");
      }
    }
    Status status = status(found, text);
    if (status.failure != null) {
      return new MappingResult.Failed(status.failure);
    }
    String device = configuredDevice;
    if (device == null && spec.deviceTag() != null && found.containsKey(spec.deviceTag())) {
      String sn = firstWord(found.get(spec.deviceTag()).text(text));
      device = sn.isEmpty() || spec.noValue().matcher(sn).matches() ? null : sn;
    }
    List<DeviceReading> readings = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    boolean eventMarked = eventMarked(text, found);
    for (LineSpec.ValueField field : spec.values()) {
      Region r = found.get(field.tag());
      if (r == null) {
        if (!field.optional()) {
          rejected.add(
              new Rejection(
                  RejectionReason.MISSING_FIELD,
                  field.tag(),
                  "no " + field.tag() + spec.assign() + " field in " + spec.name() + " line"));
        }
        continue;
      }
      String value = value(field, r.text(text), rejected);
      if (value == null) {
        continue;
      }
      String noValueBit = status.noValue.get(field.tag());
      if (noValueBit != null) {
        rejected.add(
            new Rejection(
                RejectionReason.NO_VALUE,
                field.tag(),
                field.tag() + " '" + value + "' is not a value: " + noValueBit));
        continue;
      }
      DeviceReading reading =
          new DeviceReading(
              device,
              field.label(),
              value,
              field.unit(),
              timestamp,
              timeSpec == null ? TimeSpec.AUTO : timeSpec,
              new DeviceReading.Fields(
                  configuredDevice != null || spec.deviceTag() == null
                      ? "device"
                      : spec.deviceTag(),
                  field.tag(),
                  field.tag(),
                  field.tag(),
                  spec.time() == null || spec.time().tag() == null ? "time" : spec.time().tag()),
              null);
      Set<MeasurementFlag> flags = status.flags.get(field.tag());
      if (eventMarked) {
        // The marker belongs to the moment, so every value of the line carries it.
        Set<MeasurementFlag> marked = EnumSet.of(MeasurementFlag.EVENT_MARKER);
        if (flags != null) {
          marked.addAll(flags);
        }
        flags = marked;
      }
      readings.add(flags == null ? reading : reading.withDeviceFlags(flags));
    }
    return new MappingResult.Mapped(spec.mapping(), readings, rejected);
  }

  /** Whether an event marker follows the line or one of its values ({@code SPO2=097 HR=068*}). */
  private boolean eventMarked(String text, Map<String, Region> found) {
    for (String marker : spec.markers()) {
      if (strip(text).endsWith(marker)) {
        return true;
      }
      for (LineSpec.ValueField field : spec.values()) {
        Region r = found.get(field.tag());
        if (r != null && firstWord(r.text(text)).endsWith(marker)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The value text of {@code field}, or {@code null} with the rejection added. */
  private String value(LineSpec.ValueField field, String region, List<Rejection> rejected) {
    // Padding (spaces) belongs to the field's width; the first word is the value; further words
    // before the next tag are vendor additions (a fast-mode "F", Masimo's "#") and not values.
    int start = 0;
    while (start < region.length() && isSeparator(region.charAt(start))) {
      start++;
    }
    int end = start;
    while (end < region.length() && !isSeparator(region.charAt(end))) {
      end++;
    }
    String padded = region.substring(0, end);
    boolean stripped = true;
    while (stripped) {
      stripped = false;
      for (String marker : spec.markers()) {
        if (padded.length() > start && padded.endsWith(marker)) {
          padded = padded.substring(0, padded.length() - marker.length());
          stripped = true;
        }
      }
    }
    if (!field.suffix().isEmpty() && padded.endsWith(field.suffix())) {
      padded = padded.substring(0, padded.length() - field.suffix().length());
    }
    String value = padded.length() > start ? padded.substring(start) : "";
    if (value.isEmpty()) {
      rejected.add(
          new Rejection(
              RejectionReason.MISSING_FIELD,
              field.tag(),
              field.tag() + spec.assign() + " has no value in " + spec.name() + " line"));
      return null;
    }
    if (field.width() > 0 && padded.length() != field.width()) {
      rejected.add(
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD,
              field.tag(),
              field.tag()
                  + " '"
                  + printable(padded)
                  + "' is "
                  + padded.length()
                  + " characters wide; "
                  + spec.name()
                  + " writes "
                  + field.width()));
      return null;
    }
    if (spec.noValue().matcher(value).matches()) {
      rejected.add(
          new Rejection(
              RejectionReason.NO_VALUE,
              field.tag(),
              field.tag() + " '" + value + "': the device reports no value (dash-filled)"));
      return null;
    }
    if (!NUMBER.matcher(value).matches()) {
      rejected.add(
          new Rejection(
              RejectionReason.NOT_NUMERIC,
              field.tag(),
              field.tag() + " '" + printable(value) + "' is not a number"));
      return null;
    }
    return value;
  }

  /** What the status words (alarm, exception bits) say about each value tag. */
  private Status status(Map<String, Region> found, String text) {
    Status out = new Status();
    for (LineSpec.StatusField sf : spec.status()) {
      Region r = found.get(sf.tag());
      if (r == null) {
        continue;
      }
      String word = firstWord(r.text(text));
      if (word.isEmpty() || spec.noValue().matcher(word).matches()) {
        continue;
      }
      long bits;
      try {
        if (word.length() > MAX_STATUS_CHARS || word.startsWith("-") || word.startsWith("+")) {
          throw new NumberFormatException();
        }
        bits = Long.parseLong(word, sf.radix());
      } catch (NumberFormatException e) {
        // Without the status bits the values cannot be qualified: keep the line whole.
        out.failure =
            new Rejection(
                RejectionReason.MALFORMED_PAYLOAD,
                sf.tag(),
                sf.tag()
                    + " '"
                    + printable(word)
                    + "' is not a base-"
                    + sf.radix()
                    + " status word; the line's values cannot be qualified without it");
        return out;
      }
      for (LineSpec.Bit bit : sf.bits()) {
        if ((bits & bit.mask()) == 0) {
          continue;
        }
        for (LineSpec.ValueField v : spec.values()) {
          if (!bit.appliesTo(v.tag())) {
            continue;
          }
          switch (bit.effect()) {
            case QUESTIONABLE -> out.flag(v.tag(), MeasurementFlag.QUESTIONABLE);
            case DEVICE_ALARM -> out.flag(v.tag(), MeasurementFlag.DEVICE_ALARM);
            case NO_VALUE ->
                out.noValue.putIfAbsent(
                    v.tag(),
                    sf.tag()
                        + " bit 0x"
                        + Long.toHexString(bit.mask()).toUpperCase(Locale.ROOT)
                        + " ("
                        + bit.meaning()
                        + ") says the device has no valid value");
            case INFO -> {
              // documented, no effect on values
            }
          }
        }
      }
    }
    return out;
  }

  private static final class Status {
    final Map<String, Set<MeasurementFlag>> flags = new HashMap<>();
    final Map<String, String> noValue = new HashMap<>();
    Rejection failure;

    void flag(String tag, MeasurementFlag flag) {
      flags.computeIfAbsent(tag, t -> EnumSet.noneOf(MeasurementFlag.class)).add(flag);
    }
  }

  /** A tag found in the line: its name, where it starts and where its value region starts. */
  private record Region(String tag, int tagStart, int valueStart, int valueEnd) {
    String text(String line) {
      return line.substring(valueStart, valueEnd);
    }
  }

  /**
   * The tags of {@code line} in order. A tag is a word at the start of the line or after a
   * separator, directly followed by the assign text; its value runs to the next tag.
   */
  private List<Region> scan(String line) {
    List<int[]> spans = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    int n = line.length();
    int i = 0;
    while (i < n) {
      if ((i == 0 || isSeparator(line.charAt(i - 1))) && isLetter(line.charAt(i))) {
        int j = i + 1;
        while (j < n && isWordChar(line.charAt(j))) {
          j++;
        }
        if (line.startsWith(spec.assign(), j)) {
          tags.add(line.substring(i, j));
          spans.add(new int[] {i, j + spec.assign().length()});
          i = j + spec.assign().length();
          continue;
        }
        i = j;
        continue;
      }
      i++;
    }
    List<Region> out = new ArrayList<>(tags.size());
    for (int k = 0; k < tags.size(); k++) {
      int valueStart = spans.get(k)[1];
      int valueEnd = k + 1 < tags.size() ? spans.get(k + 1)[0] : n;
      out.add(new Region(tags.get(k), spans.get(k)[0], valueStart, Math.max(valueStart, valueEnd)));
    }
    return out;
  }

  private boolean isConfigured(String tag) {
    return spec.values().stream().anyMatch(v -> v.tag().equals(tag))
        || spec.status().stream().anyMatch(s -> s.tag().equals(tag))
        || tag.equals(spec.deviceTag())
        || (spec.time() != null && tag.equals(spec.time().tag()));
  }

  private String firstWord(String region) {
    return strip(region).split("[" + Pattern.quote(spec.separators()) + "]", 2)[0];
  }

  private String strip(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && isSeparator(s.charAt(a))) {
      a++;
    }
    while (b > a && isSeparator(s.charAt(b - 1))) {
      b--;
    }
    return s.substring(a, b);
  }

  private boolean isSeparator(char c) {
    return spec.separators().indexOf(c) >= 0;
  }

  private static boolean isLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean isWordChar(char c) {
    return isLetter(c) || (c >= '0' && c <= '9') || c == '_';
  }

  private static String stripTerminator(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n')) {
      end--;
    }
    return line.substring(0, end);
  }

  /** Text for a rejection detail: control bytes shown as escapes, bounded in length. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 40; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        b.append(c);
      } else {
        b.append(String.format(Locale.ROOT, "\\x%02X", (int) c & 0xff));
      }
    }
    return b.length() >= 40 ? b + "…" : b.toString();
  }

  private static MappingResult failed(RejectionReason reason, String field, String detail) {
    return new MappingResult.Failed(new Rejection(reason, field, detail));
  }
}
