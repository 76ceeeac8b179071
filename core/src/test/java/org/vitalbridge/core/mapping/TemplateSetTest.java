package org.vitalbridge.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.harmonize.HarmonizeResult;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;

class TemplateSetTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private TemplateSet load(String... yaml) throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < yaml.length; i++) {
      Path file = dir.resolve("t" + i + ".yaml");
      Files.writeString(file, yaml[i]);
      files.add(file);
    }
    return TemplateLoader.loadFiles(files);
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  private static MappingResult.Mapped mapped(MappingResult result) {
    assertThat(result).isInstanceOf(MappingResult.Mapped.class);
    return (MappingResult.Mapped) result;
  }

  private static MappingResult.Failed failed(MappingResult result) {
    assertThat(result).isInstanceOf(MappingResult.Failed.class);
    return (MappingResult.Failed) result;
  }

  private static final String FLAT =
      """
      template: acme-flat
      version: 2
      match:
        - path: $.vendor
          equals: acme
      device: $.deviceId
      timestamp:
        path: $.ts
        format: epoch-ms
      measurements:
        - label: HR
          value: $.hr
          unit: bpm
        - label: SpO2
          value: $.spo2
          unit: "%"
        - label: Temp
          value: $.temp
          unit: Cel
      """;

  private static final String FLAT_PAYLOAD =
      """
      {"vendor": "acme", "deviceId": "ACME-0042", "ts": 1773570600000,
       "hr": 72, "spo2": 97, "temp": 36.6}
      """;

  @Test
  void flatTemplate() throws Exception {
    MappingResult.Mapped m = mapped(load(FLAT).map(json(FLAT_PAYLOAD)));
    assertThat(m.mapping()).isEqualTo("acme-flat@2");
    assertThat(m.readings()).hasSize(3);
    assertThat(m.readings())
        .extracting(DeviceReading::label, DeviceReading::value, DeviceReading::unit)
        .containsExactly(
            tuple("HR", "72", "bpm"), tuple("SpO2", "97", "%"), tuple("Temp", "36.6", "Cel"));
    DeviceReading hr = m.readings().get(0);
    assertThat(hr.device()).isEqualTo("ACME-0042");
    assertThat(hr.timestamp()).isEqualTo("1773570600000");
    assertThat(hr.timeSpec().format()).isEqualTo(TimeFormat.EPOCH_MILLIS);
    assertThat(hr.fields())
        .isEqualTo(
            new DeviceReading.Fields(
                "$.deviceId", "(literal HR)", "$.hr", "(literal bpm)", "$.ts"));
  }

  @Test
  void aChannelNamedTemplateMapsWithoutItsMatchRule() throws Exception {
    // The topic or URL names the template: a payload without "vendor" still maps.
    MappingResult.Mapped m =
        mapped(
            load(FLAT)
                .map(
                    json("{\"deviceId\": \"A-1\", \"ts\": 1773570600000, \"hr\": 70}"),
                    "acme-flat",
                    null));
    assertThat(m.readings().get(0).value()).isEqualTo("70");
    assertThat(m.readings().get(0).device()).isEqualTo("A-1");
  }

  @Test
  void theChannelDeviceStandsInOnlyWhenThePayloadNamesNone() throws Exception {
    TemplateSet set = load(FLAT);
    DeviceReading fromChannel =
        mapped(set.map(json("{\"ts\": 1773570600000, \"hr\": 70}"), "acme-flat", "TOPIC-DEV"))
            .readings()
            .get(0);
    assertThat(fromChannel.device()).isEqualTo("TOPIC-DEV");
    assertThat(fromChannel.fields().device()).isEqualTo("(channel)");
    DeviceReading fromPayload =
        mapped(set.map(json(FLAT_PAYLOAD), "acme-flat", "TOPIC-DEV")).readings().get(0);
    assertThat(fromPayload.device()).isEqualTo("ACME-0042");
  }

  @Test
  void anUnknownChannelTemplateIsRejectedNamingTheLoadedOnes() throws Exception {
    MappingResult.Failed f = failed(load(FLAT).map(json(FLAT_PAYLOAD), "nope", null));
    assertThat(f.rejection().reason()).isEqualTo(RejectionReason.NO_TEMPLATE);
    assertThat(f.rejection().detail()).contains("'nope'").contains("acme-flat");
  }

  @Test
  void flatTemplateEndToEndThroughTheHarmonizer() throws Exception {
    Harmonizer harmonizer =
        new Harmonizer(
            TerminologyLoader.shipped(),
            new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
            HarmonizerSettings.DEFAULTS);
    Instant received = Instant.parse("2026-03-15T10:30:02Z");
    List<HarmonizeResult> results =
        mapped(load(FLAT).map(json(FLAT_PAYLOAD))).readings().stream()
            .map(r -> harmonizer.harmonize(r, received, Provenance.NONE))
            .toList();
    assertThat(results).allMatch(r -> r instanceof HarmonizeResult.Accepted);
    assertThat(results)
        .extracting(r -> ((HarmonizeResult.Accepted) r).measurement().metric().mdc())
        .containsExactly(147842, 150456, 150364);
    assertThat(results)
        .extracting(r -> ((HarmonizeResult.Accepted) r).measurement().observedAt())
        .containsOnly(Instant.parse("2026-03-15T10:30:00Z"));
  }

  @Test
  void arrayTemplate() throws Exception {
    TemplateSet set =
        load(
            """
            template: array
            device: $.device
            timestamp: $.time
            measurements:
              - each: $.readings[*]
                label: "@.type"
                value: "@.value"
                unit: "@.unit"
            """);
    JsonNode payload =
        json(
            """
            {"device": "D1", "time": "2026-03-15T10:30:00Z",
             "readings": [{"type": "HR", "value": 72, "unit": "bpm"},
                          {"type": "SpO2", "value": 97.5, "unit": "%"},
                          {"type": "RR", "value": "16", "unit": "/min"}]}
            """);
    List<DeviceReading> readings = mapped(set.map(payload)).readings();
    assertThat(readings).extracting(DeviceReading::label).containsExactly("HR", "SpO2", "RR");
    assertThat(readings).extracting(DeviceReading::value).containsExactly("72", "97.5", "16");
    assertThat(readings).extracting(DeviceReading::device).containsOnly("D1");
    assertThat(readings).extracting(DeviceReading::timestamp).containsOnly("2026-03-15T10:30:00Z");
    assertThat(readings.get(0).timeSpec()).isEqualTo(TimeSpec.AUTO);
    DeviceReading.Fields second = readings.get(1).fields();
    assertThat(second.value()).isEqualTo("$.readings[1].value");
    assertThat(second.label()).isEqualTo("$.readings[1].type");
    assertThat(second.unit()).isEqualTo("$.readings[1].unit");
    assertThat(second.device()).isEqualTo("$.device");
    assertThat(second.timestamp()).isEqualTo("$.time");
  }

  @Test
  void numericTimestampWithAutoFormatIsReadAsEpoch() throws Exception {
    TemplateSet set =
        load(
            "template: t\ndevice: $.d\ntimestamp: $.t\nmeasurements:\n  - label: HR\n    value: $.hr\n");
    DeviceReading r =
        mapped(set.map(json("{\"d\": \"x\", \"t\": 1773570600, \"hr\": 60}"))).readings().get(0);
    assertThat(r.timeSpec().format()).isEqualTo(TimeFormat.EPOCH);
    assertThat(r.timestamp()).isEqualTo("1773570600");
  }

  @Test
  void nestedCollectionsTakeDeviceFromTheOuterItem() throws Exception {
    TemplateSet set =
        load(
            """
            template: central-station
            measurements:
              - each: $.patients[*]
                device: "@.monitor"
                location: "@.bed"
                timestamp:
                  path: "@.time"
                  format: hl7
                  zone: Europe/Berlin
                measurements:
                  - each: "@.vitals[*]"
                    label: "@.code"
                    value: "@.v"
                    unit: "@.u"
            """);
    JsonNode payload =
        json(
            """
            {"patients": [
              {"monitor": "M1", "bed": "ICU-1", "time": "20260315113000",
               "vitals": [{"code": "HR", "v": 80, "u": "bpm"}, {"code": "RR", "v": 16, "u": "/min"}]},
              {"monitor": "M2", "bed": "ICU-2", "time": "20260315113100",
               "vitals": [{"code": "SpO2", "v": 95, "u": "%"}]}
            ]}
            """);
    List<DeviceReading> readings = mapped(set.map(payload)).readings();
    assertThat(readings).extracting(DeviceReading::device).containsExactly("M1", "M1", "M2");
    assertThat(readings)
        .extracting(DeviceReading::location)
        .containsExactly("ICU-1", "ICU-1", "ICU-2");
    assertThat(readings).extracting(DeviceReading::label).containsExactly("HR", "RR", "SpO2");
    assertThat(readings)
        .extracting(DeviceReading::timestamp)
        .containsExactly("20260315113000", "20260315113000", "20260315113100");
    assertThat(readings.get(2).timeSpec())
        .isEqualTo(new TimeSpec(TimeFormat.HL7_DTM, ZoneId.of("Europe/Berlin"), null));
    assertThat(readings.get(1).fields().value()).isEqualTo("$.patients[0].vitals[1].v");
    assertThat(readings.get(2).fields().value()).isEqualTo("$.patients[1].vitals[0].v");
    assertThat(readings.get(2).fields().device()).isEqualTo("$.patients[1].monitor");
    assertThat(readings.get(2).fields().timestamp()).isEqualTo("$.patients[1].time");
  }

  @Test
  void entriesOverAnObject() throws Exception {
    TemplateSet set =
        load(
            """
            template: keyed
            device: $.id
            measurements:
              - entries: $.vitals
                label: "@.key"
                value: "@.value"
            """);
    List<DeviceReading> readings =
        mapped(set.map(json("{\"id\": \"K1\", \"vitals\": {\"hr\": 72, \"spo2\": 97}}")))
            .readings();
    assertThat(readings).extracting(DeviceReading::label).containsExactly("hr", "spo2");
    assertThat(readings).extracting(DeviceReading::value).containsExactly("72", "97");
    assertThat(readings).extracting(DeviceReading::device).containsOnly("K1");
    assertThat(readings.get(0).unit()).isNull();
  }

  /** The field of an entry's value is where the value is in the payload, not a made-up index. */
  @Test
  void entryFieldsPointAtThePayload() throws Exception {
    TemplateSet set =
        load(
            """
            template: keyed
            device: $.id
            measurements:
              - entries: $.vitals
                label: "@.key"
                value: "@.value"
            """);
    List<DeviceReading> readings =
        mapped(set.map(json("{\"id\": \"K1\", \"vitals\": {\"hr\": 72, \"spo2\": 97}}")))
            .readings();
    assertThat(readings.get(1).fields().value()).isIn("$.vitals.spo2", "$.vitals['spo2']");
  }

  @Test
  void optionalMeasurementIsSkippedWhenAbsent() throws Exception {
    TemplateSet set =
        load(
            """
            template: opt
            device: $.d
            measurements:
              - label: HR
                value: $.hr
                unit: bpm
              - label: SpO2
                value: $.spo2
                unit: "%"
                optional: true
            """);
    assertThat(mapped(set.map(json("{\"d\": \"x\", \"hr\": 60}"))).readings())
        .extracting(DeviceReading::label)
        .containsExactly("HR");
    assertThat(mapped(set.map(json("{\"d\": \"x\", \"hr\": 60, \"spo2\": 97}"))).readings())
        .extracting(DeviceReading::label)
        .containsExactly("HR", "SpO2");
    // JSON null is absent too
    assertThat(mapped(set.map(json("{\"d\": \"x\", \"hr\": 60, \"spo2\": null}"))).readings())
        .hasSize(1);
  }

  @Test
  void requiredMeasurementIsKeptWithoutValueForTheHarmonizerToReject() throws Exception {
    TemplateSet set =
        load(
            "template: req\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.hr\n    unit: bpm\n");
    DeviceReading r = mapped(set.map(json("{\"d\": \"x\"}"))).readings().get(0);
    assertThat(r.value()).isNull();
    assertThat(r.fields().value()).isEqualTo("$.hr");
  }

  private static final String BY_TYPE =
      """
      template: by-type
      match:
        - path: $.type
          equals: vitals
      device: $.device
      measurements:
        - label: HR
          value: $.hr
      """;
  private static final String BY_MODEL =
      """
      template: by-model
      match:
        - path: $.model
          matches: "X[0-9]+"
      device: $.serial
      measurements:
        - label: SpO2
          value: $.spo2
      """;
  private static final String BY_PRESENCE =
      """
      template: by-presence
      match:
        path: $.legacy
      device: $.legacy.id
      measurements:
        - label: Temp
          value: $.legacy.t
      """;

  @Test
  void matchChoosesTheTemplate() throws Exception {
    TemplateSet set = load(BY_TYPE, BY_MODEL, BY_PRESENCE);
    assertThat(set.names()).containsExactly("by-type@1", "by-model@1", "by-presence@1");
    assertThat(
            mapped(set.map(json("{\"type\": \"vitals\", \"device\": \"a\", \"hr\": 70}")))
                .mapping())
        .isEqualTo("by-type@1");
    assertThat(
            mapped(set.map(json("{\"model\": \"X200\", \"serial\": \"b\", \"spo2\": 97}")))
                .mapping())
        .isEqualTo("by-model@1");
    assertThat(mapped(set.map(json("{\"legacy\": {\"id\": \"c\", \"t\": 37}}"))).mapping())
        .isEqualTo("by-presence@1");
  }

  @Test
  void matchesMustMatchTheWholeText() throws Exception {
    TemplateSet set = load(BY_MODEL);
    assertThat(
            failed(set.map(json("{\"model\": \"X200-b\", \"serial\": \"b\", \"spo2\": 97}")))
                .rejection()
                .reason())
        .isEqualTo(RejectionReason.NO_TEMPLATE);
  }

  @Test
  void equalsComparesText() throws Exception {
    TemplateSet set = load(BY_TYPE);
    assertThat(
            failed(set.map(json("{\"type\": \"Vitals\", \"device\": \"a\", \"hr\": 70}")))
                .rejection()
                .reason())
        .isEqualTo(RejectionReason.NO_TEMPLATE);
  }

  @Test
  void firstMatchingTemplateWins() throws Exception {
    TemplateSet set = load(BY_TYPE, BY_MODEL);
    JsonNode both =
        json(
            "{\"type\": \"vitals\", \"device\": \"a\", \"hr\": 70, \"model\": \"X1\", \"serial\": \"b\", \"spo2\": 97}");
    assertThat(mapped(set.map(both)).mapping()).isEqualTo("by-type@1");
  }

  @Test
  void payloadMatchingNoTemplate() throws Exception {
    TemplateSet set = load(BY_TYPE, BY_MODEL);
    MappingResult.Failed f = failed(set.map(json("{\"something\": \"else\"}")));
    assertThat(f.rejection().reason()).isEqualTo(RejectionReason.NO_TEMPLATE);
    assertThat(f.rejection().detail()).contains("by-type@1").contains("by-model@1");
  }

  @Test
  void noTemplatesLoaded() throws Exception {
    MappingResult.Failed f = failed(TemplateLoader.loadFiles(List.of()).map(json("{}")));
    assertThat(f.rejection().reason()).isEqualTo(RejectionReason.NO_TEMPLATE);
    assertThat(f.rejection().detail()).contains("no mapping templates");
  }

  @Test
  void matchedPayloadYieldingNothingFails() throws Exception {
    TemplateSet set =
        load(
            """
            template: empty-array
            device: $.device
            measurements:
              - each: $.readings[*]
                label: "@.type"
                value: "@.value"
            """);
    MappingResult.Failed f = failed(set.map(json("{\"device\": \"D1\", \"readings\": []}")));
    assertThat(f.rejection().reason()).isEqualTo(RejectionReason.MISSING_FIELD);
    assertThat(f.rejection().detail()).contains("empty-array@1");
  }

  @Test
  void allOptionalAbsentYieldsNothing() throws Exception {
    TemplateSet set =
        load(
            "template: o\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.hr\n    optional: true\n");
    assertThat(failed(set.map(json("{\"d\": \"x\"}"))).rejection().reason())
        .isEqualTo(RejectionReason.MISSING_FIELD);
  }

  @Test
  void missingDeviceIsLeftForTheHarmonizer() throws Exception {
    TemplateSet set =
        load("template: d\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.hr\n");
    DeviceReading r = mapped(set.map(json("{\"hr\": 60}"))).readings().get(0);
    assertThat(r.device()).isNull();
    assertThat(r.fields().device()).isEqualTo("$.d");
  }
}
