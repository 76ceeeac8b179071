package org.vitalbridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vitalbridge.server.config.ConfigLoader;

/**
 * PHI never reaches the log: known patient names and MRNs go in through every path (MQTT, HTTP,
 * MLLP ORU and ADT, the association API) and out through both destinations (FHIR, HL7 v2 to an
 * EHR), with VitalBridge's loggers at DEBUG, and with peers that echo the PHI back in their error
 * answers (as real servers do). Every log event, message and stack trace, is scanned. Third-party
 * libraries stay at their production level (INFO): their DEBUG wire logs print whole bodies by
 * design and are never on in production.
 */
class PhiLogScanIT {
  private static final String MRN_HL7 = "MRN-PHI-7731";
  private static final String MRN_ADT = "MRN-PHI-5520";
  private static final String MRN_API = "MRN-PHI-4411";
  private static final String FAMILY = "Zyxwvutsky";
  private static final String GIVEN = "Qwertyuiopa";
  private static final String BIRTH = "19471103";
  private static final List<String> PHI = List.of(MRN_HL7, MRN_ADT, MRN_API, FAMILY, GIVEN, BIRTH);

  @TempDir Path tmp;
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Logger vitalbridge = logger("org.vitalbridge");
  private Level previous;
  private HttpServer fhir;
  private ServerSocket ehr;
  private final AtomicInteger fhirRequests = new AtomicInteger();
  private final AtomicInteger ehrMessages = new AtomicInteger();

  private static Logger logger(String name) {
    return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(name);
  }

  @BeforeEach
  void capture() throws IOException {
    previous = vitalbridge.getLevel();
    vitalbridge.setLevel(Level.DEBUG);
    captured.start();
    logger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
    fhir = echoingFhirServer();
    ehr = echoingEhr();
  }

  @AfterEach
  void restore() throws IOException {
    logger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(captured);
    vitalbridge.setLevel(previous);
    fhir.stop(0);
    ehr.close();
  }

  @Test
  void noPatientNameOrMrnIsEverLogged() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("VITALBRIDGE_STORE_SQLITEFILE", tmp.resolve("vb.db").toString());
    env.put("VITALBRIDGE_TEMPLATES", Path.of("..", "config", "templates").toString());
    env.put("VITALBRIDGE_HTTP_PORT", "0");
    env.put("VITALBRIDGE_HL7_MLLP_PORT", "0");
    env.put("VITALBRIDGE_MQTT_EMBEDDED_PORT", "0");
    env.put("VITALBRIDGE_FHIR_ENABLED", "true");
    env.put(
        "VITALBRIDGE_FHIR_BASEURL", "http://127.0.0.1:" + fhir.getAddress().getPort() + "/fhir");
    env.put("VITALBRIDGE_HL7_DESTINATION_ENABLED", "true");
    env.put("VITALBRIDGE_HL7_DESTINATION_PORT", Integer.toString(ehr.getLocalPort()));
    try (Engine engine = Engine.start(ConfigLoader.load(null, env), Clock.systemUTC())) {
      HttpClient http = HttpClient.newHttpClient();
      String api = "http://127.0.0.1:" + engine.httpPort() + "/api/v1";
      // The association API names a patient for the JSON devices.
      post(
          http,
          api + "/associations",
          "{\"device\":\"ACME-0042\",\"patient\":\""
              + MRN_API
              + "\",\"validFrom\":\"2026-01-01T00:00:00Z\"}");
      post(http, api + "/consents", "{\"patient\":\"" + MRN_API + "\",\"state\":\"permit\"}");
      // JSON payloads that carry a patient's name beside the readings (vendors do).
      byte[] acme = withName(Files.readAllBytes(Path.of("..", "examples", "acme-bedside.json")));
      post(http, api + "/ingest/acme-bedside", new String(acme, StandardCharsets.UTF_8));
      post(http, api + "/ingest/no-such-template", new String(acme, StandardCharsets.UTF_8));
      publish(engine.mqttPort(), "devices/ACME-0042/acme-bedside", acme);
      publish(engine.mqttPort(), "unrouted/topic", acme);
      // HL7 v2 over MLLP: an ORU with PID-3/PID-5/PID-7, one with a bad value, an ADT.
      mllp(engine.mllpPort(), oru("MSG9001", "97"));
      mllp(engine.mllpPort(), oru("MSG9002", "abc"));
      mllp(engine.mllpPort(), adt());
      mllp(engine.mllpPort(), "garbage that is no HL7 " + MRN_HL7 + " " + FAMILY);

      await().atMost(Duration.ofSeconds(30)).until(() -> fhirRequests.get() > 0);
      await().atMost(Duration.ofSeconds(30)).until(() -> ehrMessages.get() > 0);
      Thread.sleep(500);
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : captured.list) {
      String line = e.getLoggerName() + " " + e.getFormattedMessage();
      if (e.getThrowableProxy() != null) {
        line += " " + ThrowableProxyUtil.asString(e.getThrowableProxy());
      }
      lines.add(line);
    }
    assertThat(lines).as("log events captured").isNotEmpty();
    for (String phi : PHI) {
      assertThat(lines).as("log lines containing " + phi).noneMatch(l -> l.contains(phi));
    }
  }

  private static byte[] withName(byte[] json) {
    String s = new String(json, StandardCharsets.UTF_8).strip();
    return (s.substring(0, s.length() - 1)
            + ", \"patientName\": \""
            + GIVEN
            + " "
            + FAMILY
            + "\", \"mrn\": \""
            + MRN_HL7
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String oru(String controlId, String value) {
    return String.join(
        "\r",
        "MSH|^~\\&|AcmeGW^ACDE48234567ABCD^EUI-64||||20261124101530+0000||ORU^R01^ORU_R01|"
            + controlId
            + "|P|2.6|||NE|AL||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO",
        "PID|||" + MRN_HL7 + "^^^Hospital^MR||" + FAMILY + "^" + GIVEN + "||" + BIRTH + "|F",
        "PV1||I|ICU^301^1",
        "OBR|1|AB13^AcmeGW^ACDE48234567ABCD^EUI-64|CD13^AcmeGW^ACDE48234567ABCD^EUI-64"
            + "|182777000^monitoring of patient^SNOMED-CT|||20261124101500+0000",
        "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||"
            + "0123456789ABCDEF^EUI-64",
        "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|"
            + value
            + "|262688^MDC_DIM_PERCENT^MDC|||||R|||20261124101500+0000",
        "");
  }

  private static String adt() {
    return String.join(
        "\r",
        "MSH|^~\\&|ADTSYS|HOSP|||20261124101530||ADT^A01^ADT_A01|ADT9001|P|2.6",
        "EVN|A01|20261124101500",
        "PID|||" + MRN_ADT + "^^^Hospital^MR||" + FAMILY + "^" + GIVEN + "||" + BIRTH + "|M",
        "PV1||I|ICU^302^1",
        "");
  }

  private static void post(HttpClient http, String uri, String body) throws Exception {
    http.send(
        HttpRequest.newBuilder(URI.create(uri))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private static void publish(int port, String topic, byte[] payload) {
    Mqtt5BlockingClient device =
        Mqtt5Client.builder()
            .identifier("phi-scan")
            .serverHost("127.0.0.1")
            .serverPort(port)
            .buildBlocking();
    device.connect();
    try {
      device.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
    } catch (com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException refused) {
      // A refusal (unrouted topic) is part of the scan.
    } finally {
      device.disconnect();
    }
  }

  private static void mllp(int port, String message) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(0x0b);
      out.write(message.getBytes(StandardCharsets.UTF_8));
      out.write(new byte[] {0x1c, 0x0d});
      out.flush();
      readFrame(s.getInputStream());
    }
  }

  private static String readFrame(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    boolean started = false;
    while ((c = in.read()) != -1) {
      if (c == 0x0b) {
        started = true;
        continue;
      }
      if (c == 0x1c) {
        in.read();
        break;
      }
      if (started) {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  /** A FHIR server that refuses every transaction and quotes the request in its diagnostics. */
  private HttpServer echoingFhirServer() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/fhir",
        exchange -> {
          fhirRequests.incrementAndGet();
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String diagnostics = body.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
          byte[] answer =
              ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                      + "\"code\":\"processing\",\"diagnostics\":\"cannot store "
                      + diagnostics
                      + "\"}]}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
          exchange.sendResponseHeaders(400, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    return server;
  }

  /** An EHR that answers AE quoting the patient (PID-3 and PID-5) it could not find. */
  private ServerSocket echoingEhr() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  s.setSoTimeout(20_000);
                  while (true) {
                    String msg = readFrame(s.getInputStream());
                    if (msg.isEmpty()) {
                      break;
                    }
                    ehrMessages.incrementAndGet();
                    String control = "0";
                    String pid = "";
                    for (String seg : msg.split("\r")) {
                      if (seg.startsWith("MSH")) {
                        control = seg.split("\\|", -1)[9];
                      }
                      if (seg.startsWith("PID")) {
                        pid = seg.replace('|', ' ').replace('^', ' ');
                      }
                    }
                    String ack =
                        "MSH|^~\\&|EHR|HOSP|VitalBridge||20261124101600||ACK^R01^ACK|A"
                            + control
                            + "|P|2.6\rMSA|AE|"
                            + control
                            + "|unknown patient "
                            + pid
                            + "\rERR|||204^Unknown key identifier^HL70357|E||||unknown patient "
                            + pid
                            + "\r";
                    OutputStream out = s.getOutputStream();
                    out.write(0x0b);
                    out.write(ack.getBytes(StandardCharsets.UTF_8));
                    out.write(new byte[] {0x1c, 0x0d});
                    out.flush();
                  }
                } catch (IOException e) {
                  // next connection
                }
              }
            },
            "echoing-ehr");
    t.setDaemon(true);
    t.start();
    return server;
  }
}
