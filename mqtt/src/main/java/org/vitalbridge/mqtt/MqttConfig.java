package org.vitalbridge.mqtt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Settings of MQTT 5 ingest ({@code mqtt.*}). Every problem is reported at once by {@link
 * #errors()}, each naming its key, so an operator fixes a configuration in one round.
 *
 * @param mode {@code mqtt.mode}: {@code embedded} (VitalBridge is the devices' MQTT endpoint),
 *     {@code external} (VitalBridge subscribes at a broker) or {@code off}
 * @param topics {@code mqtt.topics}: routing rules, first match wins. A pattern with {@code
 *     {device}} and {@code {template}} placeholders as whole levels ({@code
 *     devices/{device}/{template}}), or a pattern with a fixed template ({@code
 *     vendor/acme/+/vitals -> acme-bedside}); {@code +} and {@code #} are allowed
 * @param presenceTopic {@code mqtt.presenceTopic}: where devices publish {@code online} / {@code
 *     offline} (birth and will messages), a pattern with {@code {device}}, e.g. {@code
 *     devices/{device}/status}; {@code null} for none
 * @param commitTimeout {@code mqtt.commitTimeout}: longest a message waits for its journal commit
 *     before it is answered {@code 0x80}
 * @param maxPayloadBytes {@code mqtt.maxPayloadBytes}: larger payloads are refused ({@code 0x97},
 *     their head quarantined); 0 means the journal's limit ({@code store.maxPayloadBytes})
 * @param embedded {@code mqtt.embedded.*}, used in {@code embedded} mode
 * @param external {@code mqtt.external.*}, used in {@code external} mode
 */
public record MqttConfig(
    String mode,
    List<String> topics,
    String presenceTopic,
    Duration commitTimeout,
    int maxPayloadBytes,
    Embedded embedded,
    External external) {

  public static final String EMBEDDED = "embedded";
  public static final String EXTERNAL = "external";
  public static final String OFF = "off";

  private static final Set<String> MODES = Set.of(EMBEDDED, EXTERNAL, OFF);

  /** Session expiry is a four-byte number of seconds in MQTT 5. */
  private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFF_FFFFL;

  public MqttConfig {
    topics = topics == null ? List.of() : List.copyOf(topics);
  }

  /**
   * The embedded endpoint ({@code mqtt.embedded.*}).
   *
   * @param host address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
   * @param port TCP port (1883, 8883 for TLS by convention); 0 picks a free one ({@link
   *     MqttIngest#port()} tells which)
   * @param maxConnections more simultaneous device connections are refused at CONNECT ({@code
   *     0x97})
   * @param tls TLS 1.3 with a PKCS#12 key store, or {@code null} for plain TCP
   */
  public record Embedded(String host, int port, int maxConnections, Tls tls) {}

  /**
   * TLS of the embedded endpoint ({@code mqtt.embedded.tls.*}): PKCS#12 files, or ready key and
   * trust managers ({@link #of}); TLS 1.3 only unless {@code protocols} allows TLS 1.2.
   *
   * @param keyStore PKCS#12 file with the endpoint's key and certificate chain
   * @param trustStore PKCS#12 file with the CAs (or certificates) device certificates must chain
   *     to; {@code null} when devices present no certificates
   * @param requireClientCertificate refuse devices without a trusted certificate (without it a
   *     certificate is asked for but optional)
   */
  public record Tls(
      Path keyStore,
      String keyStorePassword,
      Path trustStore,
      String trustStorePassword,
      boolean requireClientCertificate,
      javax.net.ssl.X509KeyManager keyManager,
      javax.net.ssl.X509TrustManager trustManager,
      List<String> protocols) {
    public Tls {
      protocols = tls13Unless(protocols);
    }

    /** PKCS#12 files, TLS 1.3 only. */
    public Tls(
        Path keyStore,
        String keyStorePassword,
        Path trustStore,
        String trustStorePassword,
        boolean requireClientCertificate) {
      this(
          keyStore,
          keyStorePassword,
          trustStore,
          trustStorePassword,
          requireClientCertificate,
          null,
          null,
          null);
    }

    /**
     * Ready key and trust managers (PEM or PKCS#12, reloaded when their files change, a CRL
     * checked) and the TLS versions to enable.
     */
    public static Tls of(
        javax.net.ssl.X509KeyManager keyManager,
        javax.net.ssl.X509TrustManager trustManager,
        boolean requireClientCertificate,
        List<String> protocols) {
      return new Tls(
          null, null, null, null, requireClientCertificate, keyManager, trustManager, protocols);
    }

    @Override
    public String toString() {
      // Never the passwords.
      return "Tls[keyStore="
          + keyStore
          + ", trustStore="
          + trustStore
          + ", requireClientCertificate="
          + requireClientCertificate
          + "]";
    }
  }

  /**
   * The subscription at an external broker ({@code mqtt.external.*}).
   *
   * @param clientId the session's client identifier: the broker keeps the session (and queues
   *     messages for it) under this id while VitalBridge is down
   * @param username {@code null} for anonymous
   * @param password from the environment only; never logged
   * @param sessionExpiry how long the broker keeps the session after a disconnect
   * @param sharedGroup subscribe as {@code $share/{sharedGroup}/{filter}} so several VitalBridge
   *     nodes split the messages; {@code null} for a plain subscription
   * @param tls connect with TLS 1.3
   * @param trustStore PKCS#12 file with the broker's CA when {@code tls} is on ({@code null}: the
   *     JDK's trust store)
   */
  public record External(
      String host,
      int port,
      String clientId,
      String username,
      String password,
      Duration sessionExpiry,
      String sharedGroup,
      boolean tls,
      Path trustStore,
      String trustStorePassword,
      javax.net.ssl.X509KeyManager keyManager,
      javax.net.ssl.X509TrustManager trustManager,
      List<String> protocols) {
    public External {
      protocols = tls13Unless(protocols);
    }

    /** The broker's CA from a PKCS#12 trust store (or the JDK's), no client key, TLS 1.3. */
    public External(
        String host,
        int port,
        String clientId,
        String username,
        String password,
        Duration sessionExpiry,
        String sharedGroup,
        boolean tls,
        Path trustStore,
        String trustStorePassword) {
      this(
          host,
          port,
          clientId,
          username,
          password,
          sessionExpiry,
          sharedGroup,
          tls,
          trustStore,
          trustStorePassword,
          null,
          null,
          null);
    }

    @Override
    public String toString() {
      // Never the passwords.
      return "External[host="
          + host
          + ", port="
          + port
          + ", clientId="
          + clientId
          + ", username="
          + username
          + ", sessionExpiry="
          + sessionExpiry
          + ", sharedGroup="
          + sharedGroup
          + ", tls="
          + tls
          + ", trustStore="
          + trustStore
          + "]";
    }
  }

  /**
   * Embedded on 127.0.0.1:1883 (plain TCP, 10 000 connections), topics {@code
   * devices/{device}/{template}}, no presence topic, 30 s commit timeout, the journal's payload
   * limit; external settings for 127.0.0.1:1883 with client id {@code vitalbridge-1}, a 24 h
   * session and a plain subscription.
   */
  public static MqttConfig defaults() {
    return new MqttConfig(
        EMBEDDED,
        List.of("devices/{device}/{template}"),
        null,
        Duration.ofSeconds(30),
        0,
        new Embedded("127.0.0.1", 1883, 10_000, null),
        new External(
            "127.0.0.1",
            1883,
            "vitalbridge-1",
            null,
            null,
            Duration.ofHours(24),
            null,
            false,
            null,
            null));
  }

  public MqttConfig withMode(String newMode) {
    return new MqttConfig(
        newMode, topics, presenceTopic, commitTimeout, maxPayloadBytes, embedded, external);
  }

  public MqttConfig withTopics(List<String> rules) {
    return new MqttConfig(
        mode, rules, presenceTopic, commitTimeout, maxPayloadBytes, embedded, external);
  }

  public MqttConfig withPresenceTopic(String pattern) {
    return new MqttConfig(
        mode, topics, pattern, commitTimeout, maxPayloadBytes, embedded, external);
  }

  public MqttConfig withCommitTimeout(Duration timeout) {
    return new MqttConfig(
        mode, topics, presenceTopic, timeout, maxPayloadBytes, embedded, external);
  }

  public MqttConfig withMaxPayloadBytes(int bytes) {
    return new MqttConfig(mode, topics, presenceTopic, commitTimeout, bytes, embedded, external);
  }

  /** These settings with {@code settings} for the endpoint, in embedded mode. */
  public MqttConfig withEmbedded(Embedded settings) {
    return new MqttConfig(
        EMBEDDED, topics, presenceTopic, commitTimeout, maxPayloadBytes, settings, external);
  }

  /** These settings with {@code settings} for the broker, in external mode. */
  public MqttConfig withExternal(External settings) {
    return new MqttConfig(
        EXTERNAL, topics, presenceTopic, commitTimeout, maxPayloadBytes, embedded, settings);
  }

  /**
   * Every problem with these settings, each naming its key ({@code mqtt.embedded.port must be …});
   * empty when they are usable. Only the section of the chosen mode is checked.
   */
  public List<String> errors() {
    List<String> errors = new ArrayList<>();
    if (mode == null || !MODES.contains(mode)) {
      errors.add("mqtt.mode must be embedded, external or off, not '" + mode + "'");
      return errors;
    }
    if (mode.equals(OFF)) {
      return errors;
    }
    if (topics.isEmpty()) {
      errors.add(
          "mqtt.topics must name at least one routing rule, e.g. devices/{device}/{template}");
    }
    errors.addAll(TopicRules.errors(topics));
    if (presenceTopic != null) {
      errors.addAll(PresenceTopic.errors(presenceTopic));
    }
    if (commitTimeout == null || commitTimeout.isNegative() || commitTimeout.isZero()) {
      errors.add("mqtt.commitTimeout must be a positive duration, e.g. PT30S");
    }
    if (maxPayloadBytes < 0) {
      errors.add(
          "mqtt.maxPayloadBytes must be 0 (the journal's limit) or positive, not "
              + maxPayloadBytes);
    }
    if (mode.equals(EMBEDDED)) {
      embeddedErrors(errors);
    } else {
      externalErrors(errors);
    }
    return errors;
  }

  /** Returns these settings, or throws {@link IllegalArgumentException} listing every problem. */
  public MqttConfig validate() {
    List<String> errors = errors();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid MQTT settings:\n  - " + String.join("\n  - ", errors));
    }
    return this;
  }

  private void embeddedErrors(List<String> errors) {
    if (embedded == null) {
      errors.add("mqtt.embedded is required when mqtt.mode is embedded");
      return;
    }
    if (blank(embedded.host())) {
      errors.add("mqtt.embedded.host must name the address to bind, e.g. 127.0.0.1");
    }
    if (embedded.port() < 0 || embedded.port() > 65_535) {
      errors.add("mqtt.embedded.port must be 0 (any free port) to 65535, not " + embedded.port());
    }
    if (embedded.maxConnections() <= 0) {
      errors.add("mqtt.embedded.maxConnections must be positive, not " + embedded.maxConnections());
    }
    Tls tls = embedded.tls();
    if (tls != null) {
      if (tls.keyStore() == null && tls.keyManager() == null) {
        errors.add("mqtt.embedded.tls.keyStore must name a PKCS#12 file when TLS is on");
      }
      if (tls.requireClientCertificate()
          && tls.trustStore() == null
          && tls.trustManager() == null) {
        errors.add(
            "mqtt.embedded.tls.trustStore is required when"
                + " mqtt.embedded.tls.requireClientCertificate is true");
      }
    }
  }

  private void externalErrors(List<String> errors) {
    if (external == null) {
      errors.add("mqtt.external is required when mqtt.mode is external");
      return;
    }
    if (blank(external.host())) {
      errors.add("mqtt.external.host must name the broker, e.g. 127.0.0.1");
    }
    if (external.port() <= 0 || external.port() > 65_535) {
      errors.add("mqtt.external.port must be 1 to 65535, not " + external.port());
    }
    if (blank(external.clientId())) {
      errors.add(
          "mqtt.external.clientId must be set: the broker keeps VitalBridge's session under it");
    }
    Duration expiry = external.sessionExpiry();
    if (expiry == null || expiry.isNegative() || expiry.getSeconds() > MAX_SESSION_EXPIRY_SECONDS) {
      errors.add(
          "mqtt.external.sessionExpiry must be a duration from PT0S to "
              + MAX_SESSION_EXPIRY_SECONDS
              + " seconds, e.g. PT24H");
    }
    String group = external.sharedGroup();
    if (group != null
        && (group.isBlank() || group.contains("/") || group.contains("+") || group.contains("#"))) {
      errors.add(
          "mqtt.external.sharedGroup must be a name without '/', '+' or '#' (or null for a plain"
              + " subscription), not '"
              + group
              + "'");
    }
    if (!external.tls() && external.trustStore() != null) {
      errors.add("mqtt.external.trustStore is set but mqtt.external.tls is false");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** The TLS protocols to enable: TLS 1.3 only unless others are configured. */
  private static List<String> tls13Unless(List<String> configured) {
    return configured == null || configured.isEmpty()
        ? List.of("TLSv1.3")
        : List.copyOf(configured);
  }
}
