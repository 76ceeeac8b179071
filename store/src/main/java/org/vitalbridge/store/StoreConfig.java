package org.vitalbridge.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Store settings.
 *
 * @param backend {@code sqlite} (embedded default) or {@code postgresql}
 * @param sqliteFile the SQLite database file
 * @param sqliteSynchronous {@code FULL} (default: every group commit is fsynced, so an acknowledged
 *     message survives power loss) or {@code NORMAL} (WAL is fsynced only at checkpoints: survives
 *     a process crash or kill -9, may lose the last commits on power loss or OS crash)
 * @param jdbcUrl PostgreSQL JDBC URL
 * @param schema PostgreSQL schema to use (created when missing)
 * @param maxPayloadBytes larger messages are refused before they reach the journal
 * @param maxBatch most messages one group commit takes
 * @param queueCapacity appends waiting for the writer; beyond it appenders are refused (back
 *     pressure: the adapter answers "busy" and the device retries)
 * @param destinations outbox destinations each measurement is queued for
 * @param unassociated what happens to a measurement without a patient ({@code forward} by default)
 * @param deviceIdentities who a device certificate may send as (itself only by default)
 * @param requiresConsent destinations that receive only measurements of patients whose consent
 *     permits it (the others are withheld, see {@link Consents})
 */
public record StoreConfig(
    String backend,
    Path sqliteFile,
    String sqliteSynchronous,
    String jdbcUrl,
    String user,
    String password,
    String schema,
    int maxPayloadBytes,
    int maxBatch,
    int queueCapacity,
    List<String> destinations,
    UnassociatedPolicy unassociated,
    java.util.Set<String> requiresConsent,
    DeviceIdentityPolicy deviceIdentities) {

  public StoreConfig {
    deviceIdentities = deviceIdentities == null ? DeviceIdentityPolicy.SELF_ONLY : deviceIdentities;
    requiresConsent =
        requiresConsent == null ? java.util.Set.of() : java.util.Set.copyOf(requiresConsent);
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(unassociated, "unassociated");
    destinations = List.copyOf(destinations);
    if (!backend.equals("sqlite") && !backend.equals("postgresql")) {
      throw new IllegalArgumentException(
          "store backend must be sqlite or postgresql, not " + backend);
    }
    if (!sqliteSynchronous.equals("FULL") && !sqliteSynchronous.equals("NORMAL")) {
      throw new IllegalArgumentException("sqlite synchronous must be FULL or NORMAL");
    }
    if (maxPayloadBytes <= 0 || maxBatch <= 0 || queueCapacity <= 0) {
      throw new IllegalArgumentException("store limits must be positive");
    }
  }

  /** Settings without consent-gated destinations. */
  public StoreConfig(
      String backend,
      Path sqliteFile,
      String sqliteSynchronous,
      String jdbcUrl,
      String user,
      String password,
      String schema,
      int maxPayloadBytes,
      int maxBatch,
      int queueCapacity,
      List<String> destinations,
      UnassociatedPolicy unassociated) {
    this(
        backend,
        sqliteFile,
        sqliteSynchronous,
        jdbcUrl,
        user,
        password,
        schema,
        maxPayloadBytes,
        maxBatch,
        queueCapacity,
        destinations,
        unassociated,
        java.util.Set.of(),
        null);
  }

  /** Settings that forward unassociated measurements (the behaviour before the policy existed). */
  public StoreConfig(
      String backend,
      Path sqliteFile,
      String sqliteSynchronous,
      String jdbcUrl,
      String user,
      String password,
      String schema,
      int maxPayloadBytes,
      int maxBatch,
      int queueCapacity,
      List<String> destinations) {
    this(
        backend,
        sqliteFile,
        sqliteSynchronous,
        jdbcUrl,
        user,
        password,
        schema,
        maxPayloadBytes,
        maxBatch,
        queueCapacity,
        destinations,
        UnassociatedPolicy.FORWARD);
  }

  public static StoreConfig sqlite(Path file) {
    return new StoreConfig(
        "sqlite", file, "FULL", null, null, null, null, 1 << 20, 1000, 10_000, List.of());
  }

  public static StoreConfig postgresql(String jdbcUrl, String user, String schema) {
    return new StoreConfig(
        "postgresql", null, "FULL", jdbcUrl, user, null, schema, 1 << 20, 1000, 10_000, List.of());
  }

  public StoreConfig withDestinations(List<String> names) {
    Draft d = new Draft(this);
    d.destinations = names;
    return d.build();
  }

  public StoreConfig withSqliteSynchronous(String mode) {
    Draft d = new Draft(this);
    d.sqliteSynchronous = mode;
    return d.build();
  }

  public StoreConfig withMaxPayloadBytes(int bytes) {
    Draft d = new Draft(this);
    d.maxPayloadBytes = bytes;
    return d.build();
  }

  public StoreConfig withUnassociated(UnassociatedPolicy policy) {
    Draft d = new Draft(this);
    d.unassociated = policy;
    return d.build();
  }

  /** These settings with {@code names} receiving consenting patients' data only. */
  public StoreConfig withRequiresConsent(java.util.Set<String> names) {
    Draft d = new Draft(this);
    d.requiresConsent = names;
    return d.build();
  }

  /** These settings with {@code policy} for device certificates. */
  public StoreConfig withDeviceIdentities(DeviceIdentityPolicy policy) {
    Draft d = new Draft(this);
    d.deviceIdentities = policy;
    return d.build();
  }

  /** A changeable copy, so each wither names only the field it changes. */
  private static final class Draft {
    private final String backend;
    private final Path sqliteFile;
    private String sqliteSynchronous;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String schema;
    private int maxPayloadBytes;
    private final int maxBatch;
    private final int queueCapacity;
    private List<String> destinations;
    private UnassociatedPolicy unassociated;
    private java.util.Set<String> requiresConsent;
    private DeviceIdentityPolicy deviceIdentities;

    Draft(StoreConfig c) {
      backend = c.backend;
      sqliteFile = c.sqliteFile;
      sqliteSynchronous = c.sqliteSynchronous;
      jdbcUrl = c.jdbcUrl;
      user = c.user;
      password = c.password;
      schema = c.schema;
      maxPayloadBytes = c.maxPayloadBytes;
      maxBatch = c.maxBatch;
      queueCapacity = c.queueCapacity;
      destinations = c.destinations;
      unassociated = c.unassociated;
      requiresConsent = c.requiresConsent;
      deviceIdentities = c.deviceIdentities;
    }

    StoreConfig build() {
      return new StoreConfig(
          backend,
          sqliteFile,
          sqliteSynchronous,
          jdbcUrl,
          user,
          password,
          schema,
          maxPayloadBytes,
          maxBatch,
          queueCapacity,
          destinations,
          unassociated,
          requiresConsent,
          deviceIdentities);
    }
  }

  boolean isSqlite() {
    return backend.equals("sqlite");
  }
}
