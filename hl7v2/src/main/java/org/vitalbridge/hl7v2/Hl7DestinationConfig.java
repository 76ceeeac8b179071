package org.vitalbridge.hl7v2;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An EHR that receives IHE PCD-01 ORU^R01 over MLLP. Every problem is reported at once.
 *
 * @param name outbox destination name ({@code hl7.out.name}, e.g. {@code hl7})
 * @param host EHR interface engine host ({@code hl7.out.host})
 * @param port its MLLP port ({@code hl7.out.port})
 * @param tls MLLP over TLS with the JVM's default trust store ({@code hl7.out.tls}, default false)
 * @param receivingApplication MSH-5 ({@code hl7.out.receiving-application})
 * @param receivingFacility MSH-6 ({@code hl7.out.receiving-facility})
 * @param sendingApplication MSH-3 ({@code hl7.out.sending-application}, default VitalBridge)
 * @param patientAssigningAuthority PID-3.4 of every patient id ({@code
 *     hl7.out.assigning-authority})
 * @param ackTimeout how long to wait for the ACK before the message is retried ({@code
 *     hl7.out.ack-timeout}, default 30 s)
 * @param maxMessagesPerPoll most ORU messages one delivery round sends ({@code
 *     hl7.out.max-messages-per-poll}, default 50)
 * @param tlsContext with {@code tls}: the EHR's CA (and a client key for mutual TLS); {@code null}
 *     for the JVM's default trust store
 * @param tlsProtocols with {@code tls}: the versions enabled ({@code minVersion}), TLS 1.3 by
 *     default
 */
public record Hl7DestinationConfig(
    String name,
    String host,
    int port,
    boolean tls,
    String receivingApplication,
    String receivingFacility,
    String sendingApplication,
    String patientAssigningAuthority,
    Duration ackTimeout,
    int maxMessagesPerPoll,
    javax.net.ssl.SSLContext tlsContext,
    List<String> tlsProtocols) {

  public static final String DEFAULT_SENDING_APPLICATION = "VitalBridge";
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_MESSAGES_PER_POLL = 50;

  public Hl7DestinationConfig {
    if (sendingApplication == null || sendingApplication.isBlank()) {
      sendingApplication = DEFAULT_SENDING_APPLICATION;
    }
    if (ackTimeout == null) {
      ackTimeout = DEFAULT_ACK_TIMEOUT;
    }
    tlsProtocols =
        tlsProtocols == null || tlsProtocols.isEmpty()
            ? List.of("TLSv1.3")
            : List.copyOf(tlsProtocols);
    List<String> problems = new ArrayList<>();
    if (name == null || name.isBlank()) {
      problems.add("hl7.out.name must not be blank");
    }
    if (host == null || host.isBlank()) {
      problems.add("hl7.out.host must not be blank");
    }
    if (port < 1 || port > 65535) {
      problems.add("hl7.out.port must be 1-65535, not " + port);
    }
    if (ackTimeout.isNegative() || ackTimeout.isZero()) {
      problems.add("hl7.out.ack-timeout must be positive, not " + ackTimeout);
    }
    if (maxMessagesPerPoll < 1) {
      problems.add("hl7.out.max-messages-per-poll must be at least 1, not " + maxMessagesPerPoll);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid HL7 destination configuration: " + String.join("; ", problems));
    }
  }

  /** With the JVM's trust store and TLS 1.3 when {@code tls} is on. */
  public Hl7DestinationConfig(
      String name,
      String host,
      int port,
      boolean tls,
      String receivingApplication,
      String receivingFacility,
      String sendingApplication,
      String patientAssigningAuthority,
      Duration ackTimeout,
      int maxMessagesPerPoll) {
    this(
        name,
        host,
        port,
        tls,
        receivingApplication,
        receivingFacility,
        sendingApplication,
        patientAssigningAuthority,
        ackTimeout,
        maxMessagesPerPoll,
        null,
        null);
  }

  /** Plain MLLP with the defaults and no receiving application, facility or authority. */
  public static Hl7DestinationConfig of(String name, String host, int port) {
    return new Hl7DestinationConfig(
        name,
        host,
        port,
        false,
        null,
        null,
        DEFAULT_SENDING_APPLICATION,
        null,
        DEFAULT_ACK_TIMEOUT,
        DEFAULT_MAX_MESSAGES_PER_POLL);
  }
}
