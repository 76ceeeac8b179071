package org.vitalbridge.server;

import java.nio.file.Files;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.TemplateLoader;
import org.vitalbridge.core.mapping.TemplateSet;
import org.vitalbridge.core.pipeline.JsonTemplateDecoder;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.PayloadDecoder;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;
import org.vitalbridge.devices.phd.PhdListener;
import org.vitalbridge.devices.serial.SerialIngest;
import org.vitalbridge.devices.serial.SerialPortConfig;
import org.vitalbridge.devices.serial.SerialProtocols;
import org.vitalbridge.fhir.FhirDestination;
import org.vitalbridge.hl7v2.Hl7Destination;
import org.vitalbridge.hl7v2.MllpListener;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.server.http.HttpApi;
import org.vitalbridge.store.PurgeReport;
import org.vitalbridge.store.RetentionPolicy;
import org.vitalbridge.store.Store;
import org.vitalbridge.store.StoreConfig;
import org.vitalbridge.store.UnassociatedPolicy;

/** Wires configuration into the running pieces: processor, store, pipeline, retention schedule. */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final Store store;
  private final ScheduledExecutorService scheduler;
  private final int templateCount;
  private final FhirDestination fhir;
  private final MllpListener mllp;
  private final Hl7Destination hl7;
  private final MqttWiring.Supervised mqtt;
  private final HttpApi http;
  private final PhdListener phd;
  private final List<SerialIngest> serial;

  private Engine(
      Store store,
      ScheduledExecutorService scheduler,
      int templateCount,
      FhirDestination fhir,
      MllpListener mllp,
      Hl7Destination hl7,
      MqttWiring.Supervised mqtt,
      HttpApi http,
      PhdListener phd,
      List<SerialIngest> serial) {
    this.store = store;
    this.scheduler = scheduler;
    this.templateCount = templateCount;
    this.fhir = fhir;
    this.mllp = mllp;
    this.hl7 = hl7;
    this.mqtt = mqtt;
    this.http = http;
    this.phd = phd;
    this.serial = List.copyOf(serial);
  }

  /** Starts everything; a first admin API token ({@code auth.mode: local}) is printed to stdout. */
  public static Engine start(VitalBridgeConfig config, Clock clock) {
    return start(config, clock, System.out::println);
  }

  /**
   * Starts everything; {@code console} receives what is shown once to the operator (the first admin
   * API token) — standard output for {@code run}, never the log.
   */
  public static Engine start(VitalBridgeConfig config, Clock clock, Consumer<String> console) {
    Terminology terminology = TerminologyLoader.load(config.harmonizer().terminology());
    TemplateSet templates = templates(config);
    SerialProtocols protocols = DevicesWiring.protocols(config.devices());
    List<SerialPortConfig> serialPorts = DevicesWiring.serialPorts(config.devices(), protocols);
    MessageProcessor processor = processor(config, terminology, templates, protocols);
    VitalBridgeConfig.Retention r = config.retention();
    Store store =
        Store.open(
            storeConfig(config),
            processor,
            clock,
            new RetentionPolicy(
                r.rawMaxAge(), r.measurementMaxAge(), r.maxRawBytes(), r.maxRawCount()));
    store.pipeline().start();
    // Configuration and templates only change across restarts: each start is audited with what
    // it runs (IEC 62304 traceability of configuration changes).
    store
        .audit()
        .record(
            "system",
            "engine.start",
            "config",
            "ok",
            "auth.mode="
                + (config.auth() == null ? "local" : config.auth().mode())
                + "; store="
                + config.store().backend()
                + "; templates="
                + templates.names());
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread t = new Thread(task, "vitalbridge-retention");
              t.setDaemon(true);
              return t;
            });
    long every = r.interval().toMillis();
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            PurgeReport report = store.retention().purge();
            log.info(
                "retention: purged {} raw messages and {} measurements; {} raw messages ({} bytes) kept{}",
                report.rawPurged(),
                report.measurementsPurged(),
                report.after().rawCount(),
                report.after().rawBytes(),
                report.after().overCap()
                    ? " — OVER CAP: undelivered or quarantined data blocks purging"
                    : "");
          } catch (RuntimeException e) {
            log.error("retention run failed: {}", e.getMessage());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
    List<AutoCloseable> started = new ArrayList<>();
    try {
      FhirDestination fhir = null;
      if (config.fhir().enabled()) {
        fhir = FhirWiring.destination(config.fhir(), store, terminology, clock);
        fhir.start();
        started.add(fhir);
      }
      MllpListener mllp = null;
      if (config.hl7().mllp().enabled()) {
        mllp = Hl7Wiring.listener(config.hl7().mllp(), store, processor, clock);
        started.add(mllp);
      }
      Hl7Destination hl7 = null;
      if (config.hl7().destination().enabled()) {
        hl7 = Hl7Wiring.destination(config.hl7().destination(), store, clock);
        started.add(hl7);
      }
      PhdListener phd = null;
      if (config.devices().phd().enabled()) {
        phd = DevicesWiring.startPhd(config.devices().phd(), store, clock);
        started.add(phd);
      }
      List<SerialIngest> serial = DevicesWiring.startSerial(serialPorts, protocols, store, clock);
      started.addAll(serial);
      MqttWiring.Supervised mqtt = MqttWiring.start(config.mqtt(), store, clock, scheduler);
      Map<String, BooleanSupplier> adapters = new LinkedHashMap<>();
      if (mllp != null) {
        adapters.put("mllp", () -> true);
      }
      if (mqtt != null) {
        started.add(mqtt);
        adapters.put("mqtt", mqtt::up);
      }
      if (phd != null) {
        adapters.put("phd", () -> true);
      }
      for (SerialIngest port : serial) {
        // A pulled cable is a device problem, not the engine's: reported, reconnected by itself.
        adapters.put("serial:" + port.port(), port::connected);
      }
      HttpApi http = HttpWiring.start(config, store, clock, adapters, console);
      return new Engine(
          store, scheduler, templates.size(), fhir, mllp, hl7, mqtt, http, phd, serial);
    } catch (RuntimeException e) {
      // What started before the failure is stopped again, so a failed start leaves no listener
      // bound and the store's lock released.
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      scheduler.shutdownNow();
      store.close();
      throw e;
    }
  }

  /**
   * Opens the configured store for a command-line tool (audit, tokens): migrated, pipeline not
   * started, no mapping (nothing is processed). SQLite allows one process: stop the server first.
   */
  public static Store openStore(VitalBridgeConfig config, Clock clock) {
    VitalBridgeConfig.Retention r = config.retention();
    return Store.open(
        storeConfig(config),
        new MessageProcessor(List.of(), null),
        clock,
        new RetentionPolicy(
            r.rawMaxAge(), r.measurementMaxAge(), r.maxRawBytes(), r.maxRawCount()));
  }

  /** The configured templates; a missing directory means none (JSON payloads are then rejected). */
  static TemplateSet templates(VitalBridgeConfig config) {
    return Files.isDirectory(config.templates())
        ? TemplateLoader.loadDirectory(config.templates())
        : TemplateLoader.loadFiles(List.of());
  }

  /** Decoders and harmonizer from configuration; template and terminology errors stop startup. */
  static MessageProcessor processor(
      VitalBridgeConfig config, Terminology terminology, TemplateSet templates) {
    return processor(config, terminology, templates, DevicesWiring.protocols(config.devices()));
  }

  private static MessageProcessor processor(
      VitalBridgeConfig config,
      Terminology terminology,
      TemplateSet templates,
      SerialProtocols protocols) {
    VitalBridgeConfig.Harmonizer h = config.harmonizer();
    Map<String, ZoneId> zones = new HashMap<>();
    h.deviceZones().forEach((device, zone) -> zones.put(device, ZoneId.of(zone)));
    Harmonizer harmonizer =
        new Harmonizer(
            terminology,
            new UnitResolver(UnitAliases.withAdditions(h.unitAliases()), UcumUnits.load()),
            new HarmonizerSettings(
                h.futureTolerance(),
                h.defaultZone() == null ? null : ZoneId.of(h.defaultZone()),
                zones));
    List<PayloadDecoder> decoders = new ArrayList<>(DevicesWiring.decoders(protocols));
    decoders.add(new JsonTemplateDecoder(templates));
    decoders.add(new org.vitalbridge.hl7v2.Pcd01Decoder(Hl7Wiring.charset(config.hl7().mllp())));
    return new MessageProcessor(decoders, harmonizer);
  }

  static StoreConfig storeConfig(VitalBridgeConfig config) {
    VitalBridgeConfig.Store s = config.store();
    java.util.List<String> destinations = new java.util.ArrayList<>(s.destinations());
    if (config.fhir().enabled() && !destinations.contains(FhirWiring.DESTINATION)) {
      destinations.add(FhirWiring.DESTINATION);
    }
    if (config.hl7().destination().enabled() && !destinations.contains(Hl7Wiring.DESTINATION)) {
      destinations.add(Hl7Wiring.DESTINATION);
    }
    return new StoreConfig(
            s.backend(),
            s.sqliteFile(),
            s.sqliteSynchronous(),
            s.postgresqlUrl(),
            s.postgresqlUser(),
            s.postgresqlPassword(),
            s.postgresqlSchema(),
            s.maxPayloadBytes(),
            1000,
            10_000,
            destinations)
        .withUnassociated(unassociated(config.hl7().unassociated()))
        .withRequiresConsent(consentGated(config))
        .withDeviceIdentities(
            new org.vitalbridge.store.DeviceIdentityPolicy(
                config.deviceIdentities() == null ? Map.of() : config.deviceIdentities()));
  }

  /** The destinations configured {@code requiresConsent: true}. */
  private static java.util.Set<String> consentGated(VitalBridgeConfig config) {
    java.util.Set<String> gated = new java.util.HashSet<>();
    if (config.fhir().requiresConsent()) {
      gated.add(FhirWiring.DESTINATION);
    }
    if (config.hl7().destination().requiresConsent()) {
      gated.add(Hl7Wiring.DESTINATION);
    }
    return gated;
  }

  private static UnassociatedPolicy unassociated(String value) {
    try {
      return UnassociatedPolicy.of(value);
    } catch (IllegalArgumentException e) {
      throw new org.vitalbridge.core.ConfigurationException(
          "hl7.unassociated must be forward, hold or drop, not '" + value + "'");
    }
  }

  public Store store() {
    return store;
  }

  public int templateCount() {
    return templateCount;
  }

  /** The embedded MQTT endpoint's port, or -1 (off, external mode, or not started yet). */
  public int mqttPort() {
    return mqtt == null ? -1 : mqtt.port();
  }

  /** The HTTP API's port. */
  public int httpPort() {
    return http.port();
  }

  /** The IEEE 11073-20601 listener's port, or -1 when it is disabled. */
  public int phdPort() {
    return phd == null ? -1 : phd.port();
  }

  /** The MLLP listener's port, or -1 when it is disabled. */
  public int mllpPort() {
    return mllp == null ? -1 : mllp.port();
  }

  @Override
  public void close() {
    http.close();
    for (SerialIngest port : serial) {
      port.close();
    }
    if (phd != null) {
      phd.close();
    }
    if (mqtt != null) {
      mqtt.close();
    }
    if (mllp != null) {
      mllp.close();
    }
    if (hl7 != null) {
      hl7.close();
    }
    if (fhir != null) {
      fhir.close();
    }
    scheduler.shutdownNow();
    store.close();
  }
}
