package org.vitalbridge.fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.vitalbridge.core.model.Containment;
import org.vitalbridge.core.model.DeviceId;

/**
 * The FHIR Device for a device id. An EUI-64 (16 hex digits, with or without separators) is
 * identified as the HL7 PHD IG does; any other id under the site's device identifier system.
 *
 * <p>Below that device (the IEEE 11073 MDS), a measurement's {@link Containment} can name a VMD and
 * a channel. Each becomes a Device of its own, as the HL7 Point-of-Care Device IG models the
 * containment tree: {@code type} = the MDC device code, {@code parent} = the Device one level up
 * (channel → VMD → MDS). They are identified under the site's device identifier system by the MDS's
 * identifier value, the containment path and the MDC codes along it, e.g. {@code
 * 0123456789ABCDEF/1.2.1/69642/70739} (see ADR 0007).
 */
final class DeviceMapper {
  private static final Pattern EUI64 = Pattern.compile("(?i)([0-9a-f]{2}[-:]?){7}[0-9a-f]{2}");
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.:-]");

  private final FhirMappingOptions options;

  DeviceMapper(FhirMappingOptions options) {
    this.options = options;
  }

  /** A VMD or channel Device below an MDS: its identifier and MDC device type. */
  record Component(Identifier identifier, CodeableConcept type) {}

  /** An MDC code written {@code code^REFID}, {@code code} or {@code REFID}. */
  private record Mdc(String code, String refId) {
    static Mdc parse(String s) {
      if (s == null) {
        return null;
      }
      int caret = s.indexOf('^');
      String code = (caret < 0 ? s : s.substring(0, caret)).strip();
      String refId = caret < 0 ? "" : s.substring(caret + 1).strip();
      if (caret < 0 && !code.isEmpty() && !code.chars().allMatch(Character::isDigit)) {
        refId = code;
        code = "";
      }
      if (code.isEmpty() && refId.isEmpty()) {
        return null;
      }
      return new Mdc(code, refId);
    }

    /** The code (else the REFID) as one identifier segment. */
    String token() {
      return UNSAFE.matcher(code.isEmpty() ? refId : code).replaceAll("_");
    }

    CodeableConcept concept() {
      CodeableConcept cc = new CodeableConcept();
      if (code.isEmpty()) {
        cc.setText(refId);
      } else {
        cc.addCoding()
            .setSystem(FhirSystems.MDC)
            .setCode(code)
            .setDisplay(refId.isEmpty() ? null : refId);
      }
      return cc;
    }
  }

  Identifier identifier(DeviceId id) {
    String v = id.value();
    if (EUI64.matcher(v).matches()) {
      return new Identifier()
          .setSystem(FhirSystems.EUI64)
          .setValue(v.replaceAll("[-:]", "").toUpperCase(java.util.Locale.ROOT));
    }
    return new Identifier().setSystem(options.deviceIdentifierSystem()).setValue(v);
  }

  Device device(DeviceId id) {
    Device d = new Device();
    d.addIdentifier(identifier(id));
    d.setStatus(Device.FHIRDeviceStatus.ACTIVE);
    d.addDeviceName().setName(id.value()).setType(Device.DeviceNameType.OTHER);
    return d;
  }

  /** The search that finds this device on the server, for conditional update. */
  String conditionalUrl(DeviceId id) {
    return conditionalUrl(identifier(id));
  }

  String conditionalUrl(Identifier i) {
    return "Device?identifier=" + i.getSystem() + "|" + i.getValue();
  }

  /**
   * The Devices below the MDS that the containment names, outermost first: none (no containment, no
   * VMD code or no VMD level in the path), the VMD, or the VMD and its channel.
   */
  List<Component> components(DeviceId mds, Containment containment) {
    if (containment == null) {
      return List.of();
    }
    Mdc vmd = Mdc.parse(containment.vmd());
    int[] levels = containment.levels();
    if (vmd == null || levels[1] <= 0) {
      return List.of();
    }
    String base = identifier(mds).getValue() + "/" + levels[0] + "." + levels[1];
    List<Component> out = new ArrayList<>(2);
    out.add(new Component(siteIdentifier(base + "/" + vmd.token()), vmd.concept()));
    Mdc channel = Mdc.parse(containment.channel());
    if (channel != null && levels[2] > 0) {
      out.add(
          new Component(
              siteIdentifier(base + "." + levels[2] + "/" + vmd.token() + "/" + channel.token()),
              channel.concept()));
    }
    return out;
  }

  /** A VMD or channel Device, {@code parent} being the Device one level up. */
  Device component(Component c, Reference parent) {
    Device d = new Device();
    d.addIdentifier(c.identifier().copy());
    d.setStatus(Device.FHIRDeviceStatus.ACTIVE);
    d.setType(c.type().copy());
    d.setParent(parent.copy());
    return d;
  }

  private Identifier siteIdentifier(String value) {
    return new Identifier().setSystem(options.deviceIdentifierSystem()).setValue(value);
  }
}
