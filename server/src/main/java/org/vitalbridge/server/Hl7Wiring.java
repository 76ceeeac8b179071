package org.vitalbridge.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Clock;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.hl7v2.Hl7Destination;
import org.vitalbridge.hl7v2.Hl7DestinationConfig;
import org.vitalbridge.hl7v2.MllpListener;
import org.vitalbridge.hl7v2.MllpListenerConfig;
import org.vitalbridge.server.config.VitalBridgeConfig;
import org.vitalbridge.server.tls.TlsSetup;
import org.vitalbridge.store.Store;

/** Builds the HL7 v2 pieces from configuration. */
final class Hl7Wiring {
  static final String DESTINATION = "hl7";

  private Hl7Wiring() {}

  static Charset charset(VitalBridgeConfig.Mllp m) {
    try {
      return Charset.forName(m.defaultCharset());
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new ConfigurationException(
          "hl7.mllp.defaultCharset: unknown character set '" + m.defaultCharset() + "'");
    }
  }

  /** The ORU^R01 destination's settings (TLS to the EHR set up); invalid ones are an error. */
  static Hl7DestinationConfig destinationConfig(VitalBridgeConfig.Hl7Destination d) {
    TlsSetup tls = d.tls() ? TlsContexts.client(d.clientTls(), "hl7.destination.clientTls") : null;
    try {
      return new Hl7DestinationConfig(
          DESTINATION,
          d.host(),
          d.port(),
          d.tls(),
          d.receivingApplication(),
          d.receivingFacility(),
          d.sendingApplication(),
          d.patientAssigningAuthority(),
          d.ackTimeout(),
          d.maxMessagesPerPoll(),
          tls == null ? null : tls.context(),
          tls == null ? null : tls.protocols());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigurationException("hl7.destination: " + e.getMessage());
    }
  }

  /** The ORU^R01 destination (outbox {@value #DESTINATION}), started. */
  static Hl7Destination destination(VitalBridgeConfig.Hl7Destination d, Store store, Clock clock) {
    Hl7Destination destination =
        new Hl7Destination(destinationConfig(d), store.outbox(), store.negativeAcks(), clock);
    destination.start();
    return destination;
  }

  /**
   * The MLLP listener's settings (TLS key stores loaded); invalid ones are a configuration error.
   */
  static MllpListenerConfig listenerConfig(VitalBridgeConfig.Mllp m, int maxMessageBytes) {
    MllpListenerConfig.Tls tls = m.tls().enabled() ? tls(m.tls()) : null;
    try {
      return new MllpListenerConfig(
          m.host(),
          m.port(),
          m.maxConnections(),
          m.idleTimeout(),
          maxMessageBytes,
          charset(m),
          m.commitTimeout(),
          tls);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigurationException(
          "hl7.mllp: invalid settings (port 0-65535, maxConnections above 0, host, idleTimeout"
              + " and commitTimeout set): "
              + e.getMessage());
    }
  }

  private static MllpListenerConfig.Tls tls(VitalBridgeConfig.Tls tls) {
    TlsSetup setup = TlsContexts.server(tls, "hl7.mllp.tls");
    return new MllpListenerConfig.Tls(
        setup.context(), tls.requireClientCertificate(), setup.protocols());
  }

  static MllpListener listener(
      VitalBridgeConfig.Mllp m, Store store, MessageProcessor processor, Clock clock) {
    MllpListener listener =
        new MllpListener(
            listenerConfig(m, store.journal().maxPayloadBytes()), store, processor, clock);
    try {
      listener.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for MLLP on " + m.host() + ":" + m.port() + ": " + e.getMessage(), e);
    }
    return listener;
  }
}
