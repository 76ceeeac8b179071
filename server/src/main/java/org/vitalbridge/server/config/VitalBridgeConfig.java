package org.vitalbridge.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, as read from YAML (defaults, then a file, then the environment).
 *
 * @param deviceIdentities device certificate CN → further device ids (topic, payload, OBX-18) and
 *     MSH-3 values it may send as; a certificate always may send as its own CN, and only as that
 *     unless listed here (a gateway or central station)
 */
public record VitalBridgeConfig(
    Store store,
    Retention retention,
    Harmonizer harmonizer,
    Path templates,
    Http http,
    Fhir fhir,
    Hl7 hl7,
    Mqtt mqtt,
    Devices devices,
    Logging logging,
    ApiAuth auth,
    Map<String, List<String>> deviceIdentities) {

  /**
   * Who may call the HTTP API ({@code auth.*}, docs/security.md). Not the FHIR destination's
   * outbound credentials ({@link Auth}): those are a client's, these the server's.
   *
   * @param mode {@code local} (default: API tokens issued by this installation; an admin token is
   *     printed once on first start), {@code oauth2} (bearer JWTs of an authorization server) or
   *     {@code none} (no authentication: only behind another gate; a warning at every start)
   */
  public record ApiAuth(String mode, OAuth2 oauth2) {}

  /**
   * @param publicKey PEM public key or JWK / JWK set (JSON), when there is no JWKS URL
   * @param hmacSecret from {@code VITALBRIDGE_AUTH_OAUTH2_HMACSECRET} only
   * @param algorithms accepted JWS algorithms; {@code none} never
   */
  public record OAuth2(
      String issuer,
      String audience,
      String jwksUrl,
      String publicKey,
      String hmacSecret,
      List<String> algorithms,
      Duration clockSkew,
      Scopes scopes) {
    @Override
    public String toString() {
      return "OAuth2[issuer=" + issuer + ", audience=" + audience + ", jwksUrl=" + jwksUrl + "]";
    }
  }

  /** The OAuth2 scope name that grants each role. */
  public record Scopes(String admin, String integrator, String viewer, String device) {}

  /**
   * @param postgresqlPassword from the environment ({@code VITALBRIDGE_STORE_POSTGRESQLPASSWORD})
   *     only: never put secrets in the file
   */
  public record Store(
      String backend,
      Path sqliteFile,
      String sqliteSynchronous,
      String postgresqlUrl,
      String postgresqlUser,
      String postgresqlPassword,
      String postgresqlSchema,
      int maxPayloadBytes,
      List<String> destinations) {}

  public record Retention(
      Duration rawMaxAge,
      Duration measurementMaxAge,
      long maxRawBytes,
      long maxRawCount,
      Duration interval) {}

  /**
   * @param defaultZone zone for local times of devices without one; null rejects such times
   * @param unitAliases extra vendor unit spellings per UCUM code
   */
  public record Harmonizer(
      Duration futureTolerance,
      String defaultZone,
      List<Path> terminology,
      Map<String, String> deviceZones,
      Map<String, List<String>> unitAliases) {}

  /**
   * The HTTP API: ingest (single, batch, WebSocket), the live stream, health.
   *
   * @param maxPayloadBytes one payload or WebSocket frame (after gunzip); 0 = store.maxPayloadBytes
   * @param maxBatchBytes one batch body (after gunzip); 0 = four times maxPayloadBytes
   * @param maxBatchItems items in one batch request; more is answered 413
   * @param commitTimeout longest a request waits for its journal commit (then 503)
   * @param streamQueueSize measurements a live-stream subscriber may fall behind before it is
   *     dropped, and frames a WebSocket sender may have unacknowledged
   */
  public record Http(
      String host,
      int port,
      int maxPayloadBytes,
      int maxBatchBytes,
      int maxBatchItems,
      Duration commitTimeout,
      int streamQueueSize,
      Tls tls) {}

  /**
   * MQTT 5 ingest: the embedded endpoint (default) or a subscription to an external broker.
   *
   * @param mode {@code embedded}, {@code external} or {@code off}
   * @param topics routing rules, first match wins: {@code devices/{device}/{template}}, or a
   *     pattern with MQTT wildcards and a fixed template: {@code vendor/acme/+/vitals ->
   *     acme-bedside}
   * @param presenceTopic where devices publish {@code online}/{@code offline} (birth and will
   *     messages), e.g. {@code devices/{device}/status}; null for none
   * @param maxPayloadBytes larger payloads are refused (0x97, head quarantined); 0 = the journal's
   * @param retryInterval how often a listener that could not start (port taken, broker down) is
   *     tried again; meanwhile {@code /health} reports it DOWN
   */
  public record Mqtt(
      String mode,
      List<String> topics,
      String presenceTopic,
      Duration commitTimeout,
      int maxPayloadBytes,
      Duration retryInterval,
      MqttEmbedded embedded,
      MqttExternal external) {}

  public record MqttEmbedded(String host, int port, int maxConnections, Tls tls) {}

  /**
   * @param password from {@code VITALBRIDGE_MQTT_EXTERNAL_PASSWORD} only
   * @param sessionExpiry how long the broker keeps our session (and queues for us) while we are
   *     down
   * @param sharedGroup the {@code $share/{group}/…} group several VitalBridge nodes split load in
   * @param trustStore PKCS#12 with the broker's CA when {@code tls} is on (else the JDK's)
   */
  public record MqttExternal(
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
      ClientTls clientTls) {}

  /**
   * HL7 v2: the MLLP listener (PCD-01 and ADT in), what happens to measurements no association
   * names a patient for, and the ORU^R01 destination (out).
   *
   * @param unassociated {@code forward} (without subject), {@code hold} (stored, sent once an
   *     association names the patient) or {@code drop}
   */
  public record Hl7(Mllp mllp, String unassociated, Hl7Destination destination) {}

  public record Mllp(
      boolean enabled,
      String host,
      int port,
      int maxConnections,
      Duration idleTimeout,
      String defaultCharset,
      Duration commitTimeout,
      Tls tls) {}

  /**
   * TLS for a listener. The key is a PKCS#12 {@code keyStore} or a PEM {@code certificate} (chain,
   * leaf first) with its PKCS#8 {@code privateKey}; passwords come from the environment only (e.g.
   * {@code VITALBRIDGE_HL7_MLLP_TLS_KEYSTOREPASSWORD}). Changed files are used from the next
   * handshake on, without a restart.
   *
   * @param trustStore the CAs (or device certificates) whose devices are accepted, PKCS#12 or a PEM
   *     bundle; without it a client certificate cannot be verified and none is asked for
   * @param requireClientCertificate refuse devices without a trusted certificate
   * @param crl a CRL file (PEM or DER) of the device CA: revoked device certificates are refused
   * @param minVersion {@code TLSv1.3} (default) or {@code TLSv1.2}
   * @param reloadInterval how often the files are looked at for changes (default PT10S)
   */
  public record Tls(
      boolean enabled,
      Path keyStore,
      String keyStorePassword,
      Path trustStore,
      String trustStorePassword,
      boolean requireClientCertificate,
      Path certificate,
      Path privateKey,
      Path crl,
      String minVersion,
      Duration reloadInterval) {

    /** PKCS#12 only, TLS 1.3, the default reload interval. */
    public Tls(
        boolean enabled,
        Path keyStore,
        String keyStorePassword,
        Path trustStore,
        String trustStorePassword,
        boolean requireClientCertificate) {
      this(
          enabled,
          keyStore,
          keyStorePassword,
          trustStore,
          trustStorePassword,
          requireClientCertificate,
          null,
          null,
          null,
          null,
          null);
    }

    @Override
    public String toString() {
      // Never the passwords.
      return "Tls[enabled="
          + enabled
          + ", keyStore="
          + keyStore
          + ", certificate="
          + certificate
          + ", trustStore="
          + trustStore
          + ", crl="
          + crl
          + ", minVersion="
          + minVersion
          + "]";
    }
  }

  /**
   * TLS of an outbound connection (FHIR server, EHR's MLLP port, external MQTT broker), used when
   * the connection is TLS ({@code https://}, {@code tls: true}).
   *
   * @param trustStore the server's CA, PKCS#12 or PEM; null: the JDK's trusted CAs
   * @param keyStore a PKCS#12 client key for mutual TLS, or {@code certificate} + {@code
   *     privateKey} in PEM; all null: no client certificate
   * @param minVersion {@code TLSv1.3} (default) or {@code TLSv1.2}
   */
  public record ClientTls(
      Path trustStore,
      String trustStorePassword,
      Path keyStore,
      String keyStorePassword,
      Path certificate,
      Path privateKey,
      String minVersion) {
    public static ClientTls none() {
      return new ClientTls(null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {
      // Never the passwords.
      return "ClientTls[trustStore="
          + trustStore
          + ", keyStore="
          + keyStore
          + ", certificate="
          + certificate
          + ", minVersion="
          + minVersion
          + "]";
    }
  }

  public record Hl7Destination(
      boolean enabled,
      String host,
      int port,
      boolean tls,
      String receivingApplication,
      String receivingFacility,
      String sendingApplication,
      String patientAssigningAuthority,
      Duration ackTimeout,
      int maxMessagesPerPoll,
      ClientTls clientTls,
      boolean requiresConsent) {}

  /**
   * The FHIR R4 REST destination; secrets come from the environment only.
   *
   * @param requiresConsent send only measurements of patients whose consent permits it (the others
   *     are withheld and counted)
   * @param minimize what the destination may see (allow-list, pseudonyms)
   */
  public record Fhir(
      boolean enabled,
      String baseUrl,
      String mode,
      int maxBatch,
      Duration flushInterval,
      boolean gzip,
      Duration timeout,
      String patientIdentifierSystem,
      String deviceIdentifierSystem,
      Auth auth,
      ClientTls clientTls,
      boolean requiresConsent,
      Minimize minimize) {}

  /**
   * Data minimization for one destination.
   *
   * @param fields identifying fields sent: {@code subject}, {@code device}, {@code location},
   *     {@code containment}, {@code provenance}; empty: all
   * @param pseudonymize patient ids (and devices left off {@code fields}) become keyed HMAC-SHA256
   *     pseudonyms (base64url)
   * @param pseudonymKey the HMAC key, at least 16 bytes, from {@code
   *     VITALBRIDGE_FHIR_MINIMIZE_PSEUDONYMKEY} only
   * @param pseudonymSystem the identifier system pseudonyms are sent under
   */
  public record Minimize(
      List<String> fields, boolean pseudonymize, String pseudonymKey, String pseudonymSystem) {
    @Override
    public String toString() {
      // Never the key.
      return "Minimize[fields=" + fields + ", pseudonymize=" + pseudonymize + "]";
    }
  }

  /**
   * @param type {@code none}, {@code bearer} (static token) or {@code client-credentials}
   * @param privateKeyFile JWK (JSON) with the private key for private_key_jwt; without it the
   *     client secret is used
   */
  public record Auth(
      String type,
      String tokenUrl,
      String clientId,
      String scope,
      Path privateKeyFile,
      String clientSecret,
      String bearerToken) {}

  /**
   * Device protocols (module devices).
   *
   * @param serial one entry per serial port: keys as in {@code SerialPortConfig} (port, baud,
   *     dataBits, parity, stopBits, flowControl, protocol, deviceId, readTimeout,
   *     reconnectInterval, maxLineBytes)
   * @param serialProtocols extra line-protocol spec files (YAML) beside the shipped ones
   * @param phd the IEEE 11073-20601 manager's TCP listener
   */
  public record Devices(List<Map<String, String>> serial, List<Path> serialProtocols, Phd phd) {}

  /**
   * @param zone zone for agents' absolute time stamps; null leaves them to each device's zone
   */
  public record Phd(
      boolean enabled,
      String host,
      int port,
      Duration idleTimeout,
      String zone,
      int maxConnections,
      Duration commitTimeout) {}

  /**
   * Log output on stderr.
   *
   * @param format {@code text} (one human-readable line per event) or {@code json} (one JSON object
   *     per line: timestamp, level, logger, thread, message, MDC) for log collectors
   */
  public record Logging(String format) {}
}
