package org.vitalbridge.store;

import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.vitalbridge.core.pipeline.MessageProcessor;

/**
 * The store: journal, pipeline worker, queries, quarantine, outboxes, retention, reprocessing,
 * associations (with re-attribution), unassociated measurements and audit over one database (SQLite
 * or PostgreSQL, one schema, migrated on open).
 */
public final class Store implements AutoCloseable {
  private final Database db;
  private final Journal journal;
  private final PipelineWorker pipeline;
  private final MeasurementQueries measurements;
  private final Quarantine quarantine;
  private final Outbox outbox;
  private final Retention retention;
  private final Reprocessor reprocessor;
  private final Associations associations;
  private final AuditLog audit;
  private final Consents consents;
  private final NegativeAcks negativeAcks;
  private final Unassociated unassociated;
  private final MeasurementFeed feed = new MeasurementFeed();
  private final StoreEvents events = new StoreEvents();
  private final Ingestor ingestor;
  private final Devices devices;
  private final IdempotencyKeys idempotency;
  private final RawMessageSearch rawMessages;
  private final ApiCredentials credentials;

  private Store(
      StoreConfig config, MessageProcessor processor, Clock clock, RetentionPolicy policy) {
    this.db = Database.open(config);
    // One lock orders the pipeline's writes and association changes (see OutcomeWriter#commit).
    ReentrantLock attributionLock = new ReentrantLock();
    OutcomeWriter writer =
        new OutcomeWriter(db, config.destinations(), config.unassociated(), attributionLock, feed);
    this.pipeline = new PipelineWorker(db, processor, writer, clock, events);
    this.journal = new Journal(db, config, pipeline::signal, events);
    this.measurements = new MeasurementQueries(db);
    this.quarantine = new Quarantine(db, clock);
    this.consents = new Consents(db, clock, config.requiresConsent());
    this.outbox = new Outbox(db, clock, consents);
    this.idempotency = new IdempotencyKeys(db, clock);
    this.retention = new Retention(db, clock, policy, idempotency);
    this.reprocessor = new Reprocessor(db, writer, clock);
    this.associations =
        new Associations(db, clock, attributionLock, new Reattribution(config.destinations()));
    this.unassociated = new Unassociated(db, config.unassociated(), writer::dropped);
    this.audit = new AuditLog(db, clock);
    this.credentials = new ApiCredentials(db, clock);
    this.negativeAcks = new NegativeAcks(db, clock);
    this.ingestor = new Ingestor(journal, processor, config.deviceIdentities(), audit);
    this.devices = new Devices(db);
    this.rawMessages = new RawMessageSearch(db);
    audit.sealUnchained();
  }

  /**
   * Opens (creating and migrating) the store. Throws {@link StoreException} with an operator-facing
   * message when the database is locked, corrupt or unreachable. The pipeline worker is not
   * started; call {@code pipeline().start()}.
   */
  public static Store open(
      StoreConfig config, MessageProcessor processor, Clock clock, RetentionPolicy policy) {
    return new Store(config, processor, clock, policy);
  }

  public Journal journal() {
    return journal;
  }

  /** The way in for adapters that answer their senders with the outcome (HTTP, MQTT). */
  public Ingestor ingestor() {
    return ingestor;
  }

  /** Committed measurements, live. */
  public MeasurementFeed feed() {
    return feed;
  }

  /** Journal commits and first processing of each message, for metrics. */
  public StoreEvents events() {
    return events;
  }

  public Devices devices() {
    return devices;
  }

  public IdempotencyKeys idempotency() {
    return idempotency;
  }

  public PipelineWorker pipeline() {
    return pipeline;
  }

  public MeasurementQueries measurements() {
    return measurements;
  }

  /** Journaled messages by device, time and state (operators, the console). */
  public RawMessageSearch rawMessages() {
    return rawMessages;
  }

  public Quarantine quarantine() {
    return quarantine;
  }

  public Outbox outbox() {
    return outbox;
  }

  public Retention retention() {
    return retention;
  }

  public Reprocessor reprocessor() {
    return reprocessor;
  }

  public Associations associations() {
    return associations;
  }

  /** Measurements no patient could be attributed to: held ones and the drop count. */
  public Unassociated unassociated() {
    return unassociated;
  }

  public NegativeAcks negativeAcks() {
    return negativeAcks;
  }

  /** Per-patient consent, and which destinations receive consenting patients' data only. */
  public Consents consents() {
    return consents;
  }

  /** The tamper-evident audit trail (a hash chain). */
  public AuditLog audit() {
    return audit;
  }

  /** API tokens issued by this installation (hashes only). */
  public ApiCredentials credentials() {
    return credentials;
  }

  @Override
  public void close() {
    journal.close();
    pipeline.close();
    db.close();
  }
}
