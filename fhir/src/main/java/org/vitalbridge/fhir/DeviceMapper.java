package org.vitalbridge.fhir;

import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.vitalbridge.core.model.DeviceId;

/**
 * The FHIR Device for a device id. An EUI-64 (16 hex digits, with or without separators) is
 * identified as the HL7 PHD IG does; any other id under the site's device identifier system.
 */
final class DeviceMapper {
  private static final Pattern EUI64 = Pattern.compile("(?i)([0-9a-f]{2}[-:]?){7}[0-9a-f]{2}");

  private final FhirMappingOptions options;

  DeviceMapper(FhirMappingOptions options) {
    this.options = options;
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
    Identifier i = identifier(id);
    return "Device?identifier=" + i.getSystem() + "|" + i.getValue();
  }
}
