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

  /** The ORU^R01 destination (outbox {@value #DESTINATION}), started. */
  static Hl7Destination destination(VitalBridgeConfig.Hl7Destination d, Store store, Clock clock) {
    TlsSetup tls = d.tls() ? TlsContexts.client(d.clientTls(), "hl7.destination.clientTls") : null;
    Hl7Destination destination;
    try {
      destination =
          new Hl7Destination(
              new Hl7DestinationConfig(
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
                  tls == null ? null : tls.protocols()),
              store.outbox(),
              store.negativeAcks(),
              clock);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("hl7.destination: " + e.getMessage());
    }
    destination.start();
    return destination;
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
            new MllpListenerConfig(
                m.host(),
                m.port(),
                m.maxConnections(),
                m.idleTimeout(),
                store.journal().maxPayloadBytes(),
                charset(m),
                m.commitTimeout(),
                m.tls().enabled() ? tls(m.tls()) : null),
            store,
            processor,
            clock);
    try {
      listener.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for MLLP on " + m.host() + ":" + m.port() + ": " + e.getMessage(), e);
    }
    return listener;
  }
}
