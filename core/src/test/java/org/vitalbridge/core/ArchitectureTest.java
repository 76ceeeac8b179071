package org.vitalbridge.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Rules that keep core free of adapters and of the wall clock. */
class ArchitectureTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.vitalbridge.core");

  static final ArchRule CORE_DEPENDS_ON_NO_ADAPTER =
      noClasses()
          .that()
          .resideInAPackage("org.vitalbridge.core..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.vitalbridge.store..",
              "org.vitalbridge.server..",
              "org.vitalbridge.fhir..",
              "org.vitalbridge.hl7v2..",
              "org.vitalbridge.mqtt..",
              "org.vitalbridge.devices..")
          .as("core must not depend on store, server, fhir, hl7v2, mqtt or devices")
          .because(
              "core is the dependency-free centre every module builds on. To fix: move the code"
                  + " that needs the adapter into the adapter module, or declare an interface in"
                  + " core that the adapter implements and pass it in");

  static final ArchRule CORE_READS_NO_WALL_CLOCK =
      noClasses()
          .that()
          .resideInAPackage("org.vitalbridge.core..")
          .should()
          .callMethod(Instant.class, "now")
          .orShould()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(LocalDateTime.class, "now")
          .orShould()
          .callMethod(OffsetDateTime.class, "now")
          .orShould()
          .callMethod(ZonedDateTime.class, "now")
          .as("core must not read the wall clock (Instant.now(), System.currentTimeMillis(), ...)")
          .because(
              "time is injected so that results are reproducible and testable. To fix: take the"
                  + " time as a parameter (e.g. receivedAt) or inject a java.time.Clock and call"
                  + " Instant.now(clock)");

  @Test
  void coreClassesAreImported() {
    assertThat(CORE.containPackage("org.vitalbridge.core.harmonize")).isTrue();
    assertThat(CORE.containPackage("org.vitalbridge.core.mapping")).isTrue();
    assertThat(CORE.stream().noneMatch(c -> c.getSimpleName().endsWith("Test"))).isTrue();
  }

  @Test
  void coreDependsOnNoAdapter() {
    CORE_DEPENDS_ON_NO_ADAPTER.check(CORE);
  }

  @Test
  void coreReadsNoWallClock() {
    CORE_READS_NO_WALL_CLOCK.check(CORE);
  }

  /** A class that reads the clock, to show the rule catches it and says how to fix it. */
  static final class ReadsTheClock {
    Instant stamp() {
      return Instant.now();
    }

    long millis() {
      return System.currentTimeMillis();
    }
  }

  @Test
  void wallClockRuleCatchesAViolationAndSaysHowToFix() {
    JavaClasses offender = new ClassFileImporter().importClasses(ReadsTheClock.class);
    assertThatThrownBy(() -> CORE_READS_NO_WALL_CLOCK.check(offender))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Instant.now()")
        .hasMessageContaining("System.currentTimeMillis()")
        .hasMessageContaining("ReadsTheClock")
        .hasMessageContaining("To fix");
  }
}
