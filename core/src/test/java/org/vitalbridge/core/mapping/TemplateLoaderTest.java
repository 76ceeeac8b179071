package org.vitalbridge.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vitalbridge.core.ConfigurationException;

class TemplateLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  private String loadError(Path... files) {
    Throwable t = catchThrowable(() -> TemplateLoader.loadFiles(List.of(files)));
    assertThat(t).isInstanceOf(ConfigurationException.class);
    return t.getMessage();
  }

  @Test
  void validTemplateLoads() throws Exception {
    Path file =
        write(
            "acme.yaml",
            """
            # Acme monitor, flat JSON
            template: acme-monitor
            version: 3
            description: flat payload
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
            """);
    TemplateSet set = TemplateLoader.loadFiles(List.of(file));
    assertThat(set.size()).isEqualTo(1);
    assertThat(set.names()).containsExactly("acme-monitor@3");
  }

  @Test
  void versionDefaultsToOne() throws Exception {
    Path file =
        write(
            "v.yaml", "template: v\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.hr\n");
    assertThat(TemplateLoader.loadFiles(List.of(file)).names()).containsExactly("v@1");
  }

  @Test
  void directoryIsLoadedInFileNameOrderAndOnlyYaml() throws Exception {
    write(
        "b.yaml", "template: second\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.a\n");
    write("a.yml", "template: first\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.a\n");
    write("notes.txt", "not a template");
    assertThat(TemplateLoader.loadDirectory(dir).names()).containsExactly("first@1", "second@1");
  }

  @Test
  void missingDirectoryIsAnError() {
    assertThatThrownBy(() -> TemplateLoader.loadDirectory(dir.resolve("absent")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("absent");
  }

  @Test
  void badJsonPathNamesFileAndLine() throws Exception {
    Path file =
        write(
            "badpath.yaml",
            """
            template: badpath
            device: $.deviceId
            measurements:
              - label: HR
                value: $.readings[?(@.x ==)]
                unit: bpm
            """);
    assertThat(loadError(file)).contains("badpath.yaml:5:").contains("bad JSONPath");
  }

  @Test
  void pathEndingInADotIsABadJsonPath() throws Exception {
    Path file =
        write(
            "dot.yaml",
            "template: dot\ndevice: $.deviceId.\nmeasurements:\n  - label: HR\n    value: $.hr\n");
    assertThat(loadError(file)).contains("dot.yaml:2:").contains("bad JSONPath");
  }

  @Test
  void unknownKeyNamesFileAndLine() throws Exception {
    Path file =
        write(
            "typo.yaml",
            """
            template: typo
            device: $.deviceId
            measurements:
              - lable: HR
                value: $.hr
                unit: bpm
            """);
    assertThat(loadError(file)).contains("typo.yaml:4: unknown key 'lable'").contains("label");
  }

  @Test
  void unknownTopLevelKeyNamesFileAndLine() throws Exception {
    Path file =
        write(
            "top.yaml",
            "template: top\ndevices: $.d\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.hr\n");
    assertThat(loadError(file)).contains("top.yaml:2: unknown key 'devices'");
  }

  @Test
  void unknownTimeFormatNamesFileAndLine() throws Exception {
    Path file =
        write(
            "format.yaml",
            """
            template: format
            device: $.deviceId
            timestamp:
              path: $.ts
              format: epoch-nanos
            measurements:
              - label: HR
                value: $.hr
            """);
    assertThat(loadError(file)).contains("format.yaml:5:").contains("epoch-nanos");
  }

  @Test
  void unknownZoneNamesFileAndLine() throws Exception {
    Path file =
        write(
            "zone.yaml",
            """
            template: zone
            device: $.deviceId
            timestamp:
              path: $.ts
              format: local
              zone: Mars/Olympus_Mons
            measurements:
              - label: HR
                value: $.hr
            """);
    assertThat(loadError(file)).contains("zone.yaml:6:").contains("Mars/Olympus_Mons");
  }

  @Test
  void patternNeedsLocalFormat() throws Exception {
    Path file =
        write(
            "pattern.yaml",
            """
            template: pattern
            device: $.deviceId
            timestamp:
              path: $.ts
              format: iso
              pattern: dd.MM.yyyy HH:mm
            measurements:
              - label: HR
                value: $.hr
            """);
    assertThat(loadError(file)).contains("pattern.yaml:6:").contains("local");
  }

  @Test
  void badDateTimePatternNamesFileAndLine() throws Exception {
    Path file =
        write(
            "badpattern.yaml",
            """
            template: badpattern
            device: $.deviceId
            timestamp:
              path: $.ts
              format: local
              pattern: "dd.MM.yyyy {"
            measurements:
              - label: HR
                value: $.hr
            """);
    assertThat(loadError(file)).contains("badpattern.yaml:6:").contains("pattern");
  }

  @Test
  void badRegularExpressionNamesFileAndLine() throws Exception {
    Path file =
        write(
            "regex.yaml",
            """
            template: regex
            match:
              - path: $.model
                matches: "X[0-9"
            device: $.deviceId
            measurements:
              - label: HR
                value: $.hr
            """);
    assertThat(loadError(file)).contains("regex.yaml:4:").contains("regular expression");
  }

  @Test
  void missingTemplateIdNamesFileAndLine() throws Exception {
    Path file =
        write("noid.yaml", "device: $.deviceId\nmeasurements:\n  - label: HR\n    value: $.hr\n");
    assertThat(loadError(file)).contains("noid.yaml:1:").contains("'template'");
  }

  @Test
  void missingMeasurementsAndDevice() throws Exception {
    Path file = write("empty.yaml", "template: empty\n");
    assertThat(loadError(file))
        .contains("empty.yaml:1: 'measurements' is required")
        .contains("empty.yaml:1: 'device' is required");
  }

  @Test
  void measurementWithoutLabelOrValue() throws Exception {
    Path file =
        write(
            "partial.yaml",
            "template: partial\ndevice: $.d\nmeasurements:\n  - unit: bpm\n  - label: HR\n");
    assertThat(loadError(file))
        .contains("partial.yaml:4: measurement needs 'label'")
        .contains("partial.yaml:4: measurement needs 'value'")
        .contains("partial.yaml:5: measurement needs 'value'");
  }

  @Test
  void eachAndEntriesTogetherIsAnError() throws Exception {
    Path file =
        write(
            "both.yaml",
            """
            template: both
            device: $.d
            measurements:
              - each: $.a[*]
                entries: $.b
                label: "@.key"
                value: "@.value"
            """);
    assertThat(loadError(file)).contains("both.yaml:4:").contains("not both");
  }

  @Test
  void eachMustBeAPath() throws Exception {
    Path file =
        write(
            "each.yaml",
            "template: each\ndevice: $.d\nmeasurements:\n  - each: readings\n    label: HR\n    value: $.v\n");
    assertThat(loadError(file)).contains("each.yaml:4:").contains("'each' must be a JSONPath");
  }

  @Test
  void optionalMustBeABoolean() throws Exception {
    Path file =
        write(
            "opt.yaml",
            "template: opt\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.v\n    optional: maybe\n");
    assertThat(loadError(file))
        .contains("opt.yaml:6:")
        .contains("'optional' must be true or false");
  }

  @Test
  void versionMustBeAWholeNumber() throws Exception {
    Path file =
        write(
            "ver.yaml",
            "template: ver\nversion: two\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.v\n");
    assertThat(loadError(file)).contains("ver.yaml:2:").contains("whole number");
  }

  @Test
  void yamlSyntaxErrorNamesFileAndLine() throws Exception {
    Path file =
        write(
            "syntax.yaml",
            """
            template: syntax
            device: $.deviceId
            measurements:
              - label: HR
                value: $.hr: oops
                unit: bpm
            """);
    assertThat(loadError(file)).contains("syntax.yaml:5: YAML syntax");
  }

  @Test
  void notAMappingIsAnError() throws Exception {
    Path file = write("list.yaml", "- template: x\n");
    assertThat(loadError(file)).contains("list.yaml:1:");
  }

  @Test
  void severalErrorsInOneFileAreReportedTogether() throws Exception {
    Path file =
        write(
            "many.yaml",
            """
            template: many
            device: $.deviceId
            timestamp:
              path: $.ts
              format: epoch-nanos
              zone: Nowhere/Land
            measurements:
              - lable: HR
                value: $.hr
              - label: SpO2
                value: $.spo2.
            """);
    String message = loadError(file);
    assertThat(message)
        .contains("many.yaml:5:")
        .contains("many.yaml:6:")
        .contains("many.yaml:8: unknown key 'lable'")
        .contains("many.yaml:11: bad JSONPath");
    assertThat(message.lines().filter(l -> l.contains("many.yaml:")))
        .hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void errorsInSeveralFilesAreReportedTogether() throws Exception {
    Path a =
        write("a.yaml", "template: a\ndevice: $.d\nmeasurements:\n  - lable: HR\n    value: $.v\n");
    Path b =
        write("b.yaml", "template: b\ndevice: $.d\nmeasurements:\n  - label: HR\n    valeu: $.v\n");
    assertThat(loadError(a, b))
        .contains("a.yaml:4: unknown key 'lable'")
        .contains("b.yaml:5: unknown key 'valeu'");
  }

  @Test
  void duplicateTemplateIdIsAnError() throws Exception {
    Path a =
        write(
            "a.yaml",
            "template: same\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.v\n");
    Path b =
        write(
            "b.yaml",
            "template: same\ndevice: $.d\nmeasurements:\n  - label: HR\n    value: $.v\n");
    assertThat(loadError(a, b)).contains("b.yaml:1:").contains("'same'").contains("a.yaml");
  }

  /** A repeated key would silently drop the first value; the loader forbids duplicate keys. */
  @Test
  void duplicateKeyIsAnError() throws Exception {
    Path file =
        write(
            "dup.yaml",
            """
            template: dup
            device: $.deviceId
            measurements:
              - label: HR
                value: $.hr
                value: $.pulse
            """);
    assertThat(loadError(file)).contains("dup.yaml:6:").contains("value");
  }
}
