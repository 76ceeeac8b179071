package org.vitalbridge.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.Containment;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;

/**
 * The IEEE 11073 containment tree (MDS → VMD → channel) in the transaction Bundle, as the HL7
 * Point-of-Care Device IG models it: one Device per level with {@code type} = its MDC device code
 * and {@code parent} = the level above, the Observation's {@code device} the most specific one.
 */
class FhirDeviceHierarchyTest {
  private static final Terminology TERMS = TerminologyLoader.shipped();
  private static final Instant AT = Instant.parse("2026-11-24T10:15:00Z");
  private static final String EUI = "0123456789ABCDEF";
  private static final String SITE = FhirMappingOptions.DEFAULTS.deviceIdentifierSystem();
  private static final String MDC = "urn:iso:std:iso:11073:10101";

  private static final String ECG_VMD = "69798^MDC_DEV_ECG_VMD";
  private static final String HR_CHAN = "70739^MDC_DEV_CARD_RATE_CHAN";
  private static final String SPO2_VMD = "69642^MDC_DEV_ANALY_SAT_O2_VMD";
  private static final String SPO2_CHAN = "69643^MDC_DEV_ANALY_SAT_O2_CHAN";
  private static final String NIBP_VMD = "70686^MDC_DEV_PRESS_BLD_NONINV_VMD";
  private static final String NIBP_CHAN = "70687^MDC_DEV_PRESS_BLD_NONINV_CHAN";

  private final FhirTransactionMapper mapper =
      new FhirTransactionMapper(TERMS, FhirMappingOptions.DEFAULTS);

  static Measurement m(String device, String key, String value, Containment containment) {
    var def = TERMS.byKey(key).orElseThrow();
    DeviceId id = DeviceId.of(device);
    Value v = new Value.Quantity(new BigDecimal(value), def.unit());
    return new Measurement(
        MeasurementIds.of(id, def.code(), AT, v),
        id,
        "MRN-1",
        "ICU-3",
        def.code(),
        v,
        AT,
        AT.plusSeconds(1),
        MeasurementStatus.FINAL,
        Set.of(),
        new org.vitalbridge.core.model.Provenance("raw-1", "mllp", "pcd01@1"),
        containment);
  }

  static Measurement m(String key, String value, Containment containment) {
    return m(EUI, key, value, containment);
  }

  /** One PCD-01 message: an ECG VMD (heart rate channel) and a SpO2 VMD (SpO2 + pulse channel). */
  static List<Measurement> twoVmdMessage() {
    return List.of(
        m("heart_rate", "72", new Containment("1.1.1.1", ECG_VMD, HR_CHAN)),
        m("spo2", "97", new Containment("1.2.1.1", SPO2_VMD, SPO2_CHAN)),
        m("pulse_rate_oximeter", "71", new Containment("1.2.1.2", SPO2_VMD, SPO2_CHAN)));
  }

  private static List<Bundle.BundleEntryComponent> deviceEntries(Bundle b) {
    return b.getEntry().stream().filter(e -> e.getResource() instanceof Device).toList();
  }

  /** Device entries by their identifier value. */
  private static Map<String, Bundle.BundleEntryComponent> devicesById(Bundle b) {
    return deviceEntries(b).stream()
        .collect(
            Collectors.toMap(
                e -> ((Device) e.getResource()).getIdentifierFirstRep().getValue(),
                Function.identity()));
  }

  private static List<Observation> observations(Bundle b) {
    return b.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Observation.class::isInstance)
        .map(Observation.class::cast)
        .toList();
  }

  /** The Observation whose code has this MDC coding. */
  private static Observation observation(Bundle b, String mdc) {
    return observations(b).stream()
        .filter(
            o ->
                o.getCode().getCoding().stream()
                    .anyMatch(c -> MDC.equals(c.getSystem()) && mdc.equals(c.getCode())))
        .findFirst()
        .orElseThrow();
  }

  private static void assertValid(Bundle b) {
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      assertThat(FhirValidation.errors(e.getResource()))
          .as(e.getResource().fhirType() + " " + FhirValidation.all(e.getResource()))
          .isEmpty();
    }
    assertThat(FhirValidation.errors(b)).as(FhirValidation.all(b).toString()).isEmpty();
  }

  @Test
  void aTwoVmdMessageBecomesAnMdsVmdChannelTreeAndEachObservationPointsAtItsChannel() {
    Bundle b = mapper.transaction(twoVmdMessage());

    Map<String, Bundle.BundleEntryComponent> byId = devicesById(b);
    assertThat(byId)
        .containsOnlyKeys(
            EUI,
            EUI + "/1.1/69798",
            EUI + "/1.1.1/69798/70739",
            EUI + "/1.2/69642",
            EUI + "/1.2.1/69642/69643");
    Bundle.BundleEntryComponent mds = byId.get(EUI);
    Bundle.BundleEntryComponent ecgVmd = byId.get(EUI + "/1.1/69798");
    Bundle.BundleEntryComponent hrChan = byId.get(EUI + "/1.1.1/69798/70739");
    Bundle.BundleEntryComponent spo2Vmd = byId.get(EUI + "/1.2/69642");
    Bundle.BundleEntryComponent spo2Chan = byId.get(EUI + "/1.2.1/69642/69643");

    // The MDS is the Device the mapping has always produced: no parent, no type, EUI-64 system.
    Device mdsDevice = (Device) mds.getResource();
    assertThat(mdsDevice.getIdentifierFirstRep().getSystem())
        .isEqualTo("urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680");
    assertThat(mdsDevice.hasParent()).isFalse();
    assertThat(mdsDevice.hasType()).isFalse();

    assertComponent(ecgVmd, "69798", "MDC_DEV_ECG_VMD", mds);
    assertComponent(hrChan, "70739", "MDC_DEV_CARD_RATE_CHAN", ecgVmd);
    assertComponent(spo2Vmd, "69642", "MDC_DEV_ANALY_SAT_O2_VMD", mds);
    assertComponent(spo2Chan, "69643", "MDC_DEV_ANALY_SAT_O2_CHAN", spo2Vmd);

    assertThat(observation(b, "147842").getDevice().getReference()).isEqualTo(hrChan.getFullUrl());
    assertThat(observation(b, "150456").getDevice().getReference())
        .isEqualTo(spo2Chan.getFullUrl());
    Provenance p =
        b.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Provenance.class::isInstance)
            .map(Provenance.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(p.getAgentFirstRep().getWho().getReference())
        .as("the agent stays the MDS")
        .isEqualTo(mds.getFullUrl());

    assertValid(b);
  }

  private static void assertComponent(
      Bundle.BundleEntryComponent entry,
      String code,
      String refId,
      Bundle.BundleEntryComponent parent) {
    Device d = (Device) entry.getResource();
    assertThat(d.getIdentifier()).hasSize(1);
    assertThat(d.getIdentifierFirstRep().getSystem()).isEqualTo(SITE);
    assertThat(d.getStatus()).isEqualTo(Device.FHIRDeviceStatus.ACTIVE);
    assertThat(d.getType().getCoding()).hasSize(1);
    assertThat(d.getType().getCodingFirstRep().getSystem()).isEqualTo(MDC);
    assertThat(d.getType().getCodingFirstRep().getCode()).isEqualTo(code);
    assertThat(d.getType().getCodingFirstRep().getDisplay()).isEqualTo(refId);
    assertThat(d.getParent().getReference()).isEqualTo(parent.getFullUrl());
    assertThat(d.hasPatient() || d.hasLocation()).as("PoCD: not on a VMD or channel").isFalse();
    assertThat(entry.getFullUrl()).startsWith("urn:uuid:");
    assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
    assertThat(entry.getRequest().getUrl())
        .isEqualTo("Device?identifier=" + SITE + "|" + d.getIdentifierFirstRep().getValue());
  }

  @Test
  void measurementsInOneChannelShareOneChannelDeviceEntry() {
    Bundle b = mapper.transaction(twoVmdMessage());

    List<String> urls =
        deviceEntries(b).stream().map(e -> e.getRequest().getUrl()).collect(Collectors.toList());
    assertThat(urls).doesNotHaveDuplicates().hasSize(5);
    assertThat(deviceEntries(b).stream().map(Bundle.BundleEntryComponent::getFullUrl))
        .doesNotHaveDuplicates();
    String channel = devicesById(b).get(EUI + "/1.2.1/69642/69643").getFullUrl();
    assertThat(observation(b, "150456").getDevice().getReference()).isEqualTo(channel);
    assertThat(observation(b, "149530").getDevice().getReference()).isEqualTo(channel);
    assertThat(observation(b, "147842").getDevice().getReference()).isNotEqualTo(channel);
  }

  @Test
  void theTreeIsTheSameOnEveryMappingAndForEveryEuiSpelling() {
    List<Measurement> ms = twoVmdMessage();
    Bundle first = mapper.transaction(ms);
    Bundle again = mapper.transaction(List.of(ms.get(2), ms.get(1), ms.get(0)));
    Bundle hyphenated =
        mapper.transaction(
            List.of(
                m(
                    "01-23-45-67-89-ab-cd-ef",
                    "spo2",
                    "97",
                    new Containment("1.2.1.1", SPO2_VMD, SPO2_CHAN))));

    Function<Bundle, Set<String>> keys =
        b ->
            deviceEntries(b).stream()
                .map(e -> e.getFullUrl() + " " + e.getRequest().getUrl())
                .collect(Collectors.toSet());
    assertThat(keys.apply(again)).isEqualTo(keys.apply(first));
    assertThat(devicesById(hyphenated))
        .containsOnlyKeys(EUI, EUI + "/1.2/69642", EUI + "/1.2.1/69642/69643");
    assertThat(devicesById(hyphenated).get(EUI + "/1.2.1/69642/69643").getRequest().getUrl())
        .isEqualTo(devicesById(first).get(EUI + "/1.2.1/69642/69643").getRequest().getUrl());
  }

  @Test
  void aVmdWithoutAChannelIsTheObservationsDevice() {
    Bundle b =
        mapper.transaction(
            List.of(m("spo2", "97", new Containment("1.2.0.1", SPO2_VMD, SPO2_CHAN))));

    assertThat(devicesById(b)).containsOnlyKeys(EUI, EUI + "/1.2/69642");
    assertThat(observation(b, "150456").getDevice().getReference())
        .isEqualTo(devicesById(b).get(EUI + "/1.2/69642").getFullUrl());
    assertValid(b);
  }

  @Test
  void withoutContainmentOrWithoutAVmdCodeTheBundleIsExactlyAsBefore() {
    Measurement plain = m("spo2", "97", null);
    String before =
        FhirValidation.CTX
            .newJsonParser()
            .encodeResourceToString(mapper.transaction(List.of(plain)));

    for (Containment c :
        new Containment[] {
          new Containment("1.2.1.1", null, null),
          new Containment("1.2.1.1", null, SPO2_CHAN),
          new Containment("1.0.0.1", SPO2_VMD, null),
          new Containment("1", null, null),
          new Containment("1.2.1.1", "^", null)
        }) {
      Bundle b = mapper.transaction(List.of(m("spo2", "97", c)));
      assertThat(FhirValidation.CTX.newJsonParser().encodeResourceToString(b))
          .as(c.encode())
          .isEqualTo(before);
    }
    Bundle plainBundle = mapper.transaction(List.of(plain));
    assertThat(deviceEntries(plainBundle)).hasSize(1);
    assertThat(observation(plainBundle, "150456").getDevice().getReference())
        .isEqualTo(deviceEntries(plainBundle).get(0).getFullUrl());
  }

  @Test
  void aBloodPressurePanelPointsAtTheChannelItsMembersShare() {
    Containment nibp = new Containment("1.3.1.1", NIBP_VMD, NIBP_CHAN);
    Bundle b =
        mapper.transaction(
            List.of(
                m("nibp_systolic", "120", nibp),
                m("nibp_diastolic", "80", new Containment("1.3.1.2", NIBP_VMD, NIBP_CHAN)),
                m("nibp_mean", "93", new Containment("1.3.1.3", NIBP_VMD, NIBP_CHAN))));

    assertThat(devicesById(b))
        .containsOnlyKeys(EUI, EUI + "/1.3/70686", EUI + "/1.3.1/70686/70687");
    assertThat(observations(b)).hasSize(1);
    assertThat(observations(b).get(0).getDevice().getReference())
        .isEqualTo(devicesById(b).get(EUI + "/1.3.1/70686/70687").getFullUrl());
    assertValid(b);
  }

  @Test
  void aPanelWhoseMembersSitInDifferentChannelsPointsAtTheirVmd() {
    String other = "70688^MDC_DEV_PRESS_BLD_NONINV_CHAN_2";
    Bundle b =
        mapper.transaction(
            List.of(
                m("nibp_systolic", "120", new Containment("1.3.1.1", NIBP_VMD, NIBP_CHAN)),
                m("nibp_diastolic", "80", new Containment("1.3.2.1", NIBP_VMD, other))));

    assertThat(observations(b)).hasSize(1);
    assertThat(observations(b).get(0).getDevice().getReference())
        .isEqualTo(devicesById(b).get(EUI + "/1.3/70686").getFullUrl());
  }

  @Test
  void aCodeWithoutRefIdOrARefIdWithoutCodeStillTypesTheDevice() {
    Bundle b =
        mapper.transaction(
            List.of(
                m("spo2", "97", new Containment("1.2.1.1", "69642", "MDC_DEV_ANALY_SAT_O2_CHAN"))));

    Map<String, Bundle.BundleEntryComponent> byId = devicesById(b);
    assertThat(byId)
        .containsOnlyKeys(EUI, EUI + "/1.2/69642", EUI + "/1.2.1/69642/MDC_DEV_ANALY_SAT_O2_CHAN");
    Device vmd = (Device) byId.get(EUI + "/1.2/69642").getResource();
    assertThat(vmd.getType().getCodingFirstRep().getCode()).isEqualTo("69642");
    assertThat(vmd.getType().getCodingFirstRep().hasDisplay()).isFalse();
    Device chan = (Device) byId.get(EUI + "/1.2.1/69642/MDC_DEV_ANALY_SAT_O2_CHAN").getResource();
    assertThat(chan.getType().hasCoding()).isFalse();
    assertThat(chan.getType().getText()).isEqualTo("MDC_DEV_ANALY_SAT_O2_CHAN");
    assertValid(b);
  }

  @Test
  void aSiteDeviceIdNamesItsComponentsUnderTheSiteSystem() {
    Bundle b =
        mapper.transaction(
            List.of(m("MON-7", "spo2", "97", new Containment("2.1.1.1", SPO2_VMD, SPO2_CHAN))));

    assertThat(devicesById(b))
        .containsOnlyKeys("MON-7", "MON-7/2.1/69642", "MON-7/2.1.1/69642/69643");
    assertThat(deviceEntries(b))
        .allSatisfy(
            e ->
                assertThat(((Device) e.getResource()).getIdentifierFirstRep().getSystem())
                    .isEqualTo(SITE));
    assertValid(b);
  }
}
