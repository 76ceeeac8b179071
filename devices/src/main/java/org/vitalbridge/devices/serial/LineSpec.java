package org.vitalbridge.devices.serial;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One serial line protocol as configured: where the tagged fields are, what they mean and which
 * status bits qualify them. Loaded from YAML by {@link LineSpecLoader}; read by {@link
 * TaggedLineDecoder}.
 *
 * @param separators the characters that separate fields (and pad values)
 * @param assign the text between a tag and its value ({@code =} in {@code SPO2=098})
 * @param noValue what a field without a value looks like (dash-filled: {@code ---}, {@code --.--})
 * @param time where the device's own date/time is, or {@code null} when lines carry none
 * @param deviceTag the tag naming the device (a serial number), or {@code null}
 * @param markers trailing characters that mark an event rather than belong to the value
 */
record LineSpec(
    String name,
    int version,
    String description,
    String separators,
    String assign,
    Pattern noValue,
    TimeField time,
    String deviceTag,
    List<ValueField> values,
    List<StatusField> status,
    List<String> markers) {

  LineSpec {
    values = List.copyOf(values);
    status = List.copyOf(status);
    markers = List.copyOf(markers);
  }

  /** Provenance of readings decoded with this spec: {@code serial:<name>@<version>}. */
  String mapping() {
    return "serial:" + name + "@" + version;
  }

  /**
   * @param tag the tag holding the time, or {@code null} for the text before the first tag
   * @param pattern the {@link DateTimeFormatter} pattern, as configured (for messages)
   */
  record TimeField(String tag, String pattern, DateTimeFormatter formatter) {}

  /**
   * @param label the metric's MDC reference id
   * @param unit the UCUM unit of the value
   * @param suffix text the device writes after the value ({@code %}), not part of the number
   * @param width the characters the value occupies, padding included, or 0 for any
   * @param optional whether a line may lack the field without a rejection
   */
  record ValueField(
      String tag, String label, String unit, String suffix, int width, boolean optional) {}

  /** A status word (alarm or exception bits) written as a number in {@code radix}. */
  record StatusField(String tag, int radix, List<Bit> bits) {
    StatusField {
      bits = List.copyOf(bits);
    }
  }

  /**
   * One bit (or group of bits) of a status word.
   *
   * @param appliesTo the value tags the effect applies to; empty for all
   */
  record Bit(long mask, String meaning, Effect effect, Set<String> appliesTo) {
    Bit {
      appliesTo = Set.copyOf(appliesTo);
    }

    boolean appliesTo(String tag) {
      return appliesTo.isEmpty() || appliesTo.contains(tag);
    }
  }

  /** What a set bit does to the values it applies to. */
  enum Effect {
    /** The device doubts the value: the reading is flagged questionable. */
    QUESTIONABLE("questionable"),
    /** The device is alarming: the reading carries the device-alarm flag. */
    DEVICE_ALARM("device-alarm"),
    /** The device has no valid value (sensor off, no sensor): a no-value rejection, never 0. */
    NO_VALUE("no-value"),
    /** Known, documented, and without effect on the values (e.g. an algorithm mode). */
    INFO("info");

    final String code;

    Effect(String code) {
      this.code = code;
    }
  }
}
