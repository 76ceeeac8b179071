package org.vitalbridge.core;

import java.math.BigDecimal;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.time.*;
import org.vitalbridge.core.units.*;
import org.vitalbridge.core.terminology.*;
import org.vitalbridge.core.mapping.*;

class ProbeTest {
  @Property(tries = 5)
  void prop(@ForAll int x) { System.out.println("jqwik ran " + x); }

  static void p(String s, TimeSpec spec, ZoneId z) {
    try { System.out.println(s + " -> " + TimestampParser.parse(s, spec, z)); }
    catch (Exception e) { System.out.println(s + " !! " + e); }
  }

  @Test
  void probe() throws Exception {
    Path dir = Files.createTempDirectory("probe");
    Path o = dir.resolve("o.yaml");
    Files.writeString(o, "metrics:\n  - key: spo2\n    range: [50, 100]\n    lable: x\n    synonyms: [a, b]\n  - key: hr\n    mdc: 1\n");
    try { TerminologyLoader.load(List.of(o)); } catch (ConfigurationException e) { System.out.println(e.getMessage()); }
    Files.writeString(o, "metrics:\n  - key: spo2\n    lable: x\n\n\n  - key: hr\n    mdc: 1\n");
    try { TerminologyLoader.load(List.of(o)); } catch (ConfigurationException e) { System.out.println(e.getMessage()); }
    Files.writeString(o, "metrics:\n  - key: spo2\n    lable:\n      - x\n      - y\n    range: [1, 2]\n");
    try { TerminologyLoader.load(List.of(o)); } catch (ConfigurationException e) { System.out.println(e.getMessage()); }
    Files.writeString(o, "metrics:\n  - key: spo2\n    mdc: abc\n    range: [1, 2]\n");
    try { TerminologyLoader.load(List.of(o)); } catch (ConfigurationException e) { System.out.println(e.getMessage()); }
    System.out.println(com.jayway.jsonpath.JsonPath.compile("$.a[").getPath());
  }
}
