package org.vitalbridge.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.GZipContentInterceptor;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.store.DeliveryLoop;
import org.vitalbridge.store.Outbox;
import org.vitalbridge.store.OutboxEntry;
import org.vitalbridge.store.StoredMeasurement;

/**
 * Delivers a destination's outbox to a FHIR R4 server as transaction Bundles, in journal order.
 * Connection failures, timeouts, 5xx and 429 are retried with backoff (429/503 honour Retry-After);
 * a 401 fetches a new token once; any other 4xx is not retried blindly: the batch is retried one
 * measurement at a time and whatever the server still refuses is dead-lettered with the server's
 * OperationOutcome, visible and replayable.
 */
public final class FhirDestination implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FhirDestination.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(50);

  /** Entries read past maxBatch so a batch can end at a raw-message boundary. */
  private static final int LOOKAHEAD = 64;

  private final ThreadLocal<Duration> retryAfterHeader = new ThreadLocal<>();

  private final FhirDestinationConfig config;
  private final Outbox outbox;
  private final FhirTransactionMapper mapper;
  private final Clock clock;
  private final TokenSource tokens;
  private final IGenericClient client;
  private final DeliveryLoop loop;
  private final java.util.function.UnaryOperator<org.vitalbridge.core.model.Measurement> minimize;
  private Instant firstWaiting;

  public FhirDestination(
      FhirDestinationConfig config,
      Outbox outbox,
      FhirTransactionMapper mapper,
      Clock clock,
      TokenSource tokens) {
    this(config, outbox, mapper, clock, tokens, java.util.function.UnaryOperator.identity());
  }

  /**
   * @param minimize what this destination may see of each measurement (an allow-list of fields,
   *     pseudonyms for an analytics destination), applied before mapping
   */
  public FhirDestination(
      FhirDestinationConfig config,
      Outbox outbox,
      FhirTransactionMapper mapper,
      Clock clock,
      TokenSource tokens,
      java.util.function.UnaryOperator<org.vitalbridge.core.model.Measurement> minimize) {
    this.minimize = minimize;
    this.config = config;
    this.outbox = outbox;
    this.mapper = mapper;
    this.clock = clock;
    this.loop =
        new DeliveryLoop(
            "vitalbridge-fhir-" + config.name(),
            () -> readyToSend() ? deliverOnce() : 0,
            () -> IDLE_POLL);
    this.tokens = tokens;
    // Its own context: timeouts and connection pool belong to this destination, not the process.
    FhirContext ctx = FhirContext.forR4();
    ctx.setRestfulClientFactory(new TlsClientFactory(ctx, config));
    ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    ctx.getRestfulClientFactory().setConnectTimeout((int) config.timeout().toMillis());
    ctx.getRestfulClientFactory().setSocketTimeout((int) config.timeout().toMillis());
    this.client = ctx.newRestfulGenericClient(config.baseUrl());
    if (config.gzip()) {
      client.registerInterceptor(new GZipContentInterceptor());
    }
    if (tokens != null) {
      client.registerInterceptor(new BearerInterceptor(tokens));
    }
    client.registerInterceptor(new RetryAfterInterceptor());
  }

  /** Delivers in the background until closed. */
  public void start() {
    loop.start();
  }

  /** Batch mode waits for a full batch or the flush interval; real-time mode never waits. */
  private boolean readyToSend() {
    if (!config.batch()) {
      return true;
    }
    long waiting = outbox.backlog(config.name());
    if (waiting == 0) {
      firstWaiting = null;
      return false;
    }
    if (firstWaiting == null) {
      firstWaiting = clock.instant();
    }
    boolean ready =
        waiting >= config.maxBatch()
            || !clock.instant().isBefore(firstWaiting.plus(config.flushInterval()));
    if (ready) {
      firstWaiting = null;
    }
    return ready;
  }

  /**
   * Sends one batch of due entries, in the caller's thread. Returns how many entries left the queue
   * (delivered or dead-lettered); 0 when nothing was due or the batch is to be retried later.
   */
  public int deliverOnce() {
    List<OutboxEntry> due = outbox.due(config.name(), config.maxBatch() + LOOKAHEAD);
    if (due.isEmpty()) {
      return 0;
    }
    List<List<OutboxEntry>> messages = byRawMessage(due);
    List<OutboxEntry> batch = new ArrayList<>();
    for (List<OutboxEntry> message : messages) {
      if (!batch.isEmpty() && batch.size() + message.size() > config.maxBatch()) {
        break;
      }
      batch.addAll(message);
    }
    Result r = send(batch);
    if (r != Result.REFUSED) {
      return r == Result.DELIVERED ? batch.size() : 0;
    }
    return sendOneMessageAtATime(byRawMessage(batch));
  }

  /**
   * After a refusal, each raw message's measurements go alone, so one bad reading does not hold
   * back the others; a retryable failure stops the run and everything from there waits, in order.
   */
  private int sendOneMessageAtATime(List<List<OutboxEntry>> messages) {
    int moved = 0;
    for (int i = 0; i < messages.size(); i++) {
      List<OutboxEntry> message = messages.get(i);
      Result r = send(message);
      if (r == Result.DELIVERED) {
        moved += message.size();
      } else if (r == Result.REFUSED) {
        log.warn(
            "FHIR destination {}: refused for good, dead-lettered: {}", config.name(), loggedError);
        outbox.deadLetter(message, lastError);
        moved += message.size();
      } else {
        List<OutboxEntry> rest = new ArrayList<>();
        messages.subList(i + 1, messages.size()).forEach(rest::addAll);
        if (!rest.isEmpty()) {
          reschedule(rest);
        }
        return moved;
      }
    }
    return moved;
  }

  /** Entries grouped by the raw message they came from (a panel never straddles two sends). */
  private static List<List<OutboxEntry>> byRawMessage(List<OutboxEntry> entries) {
    Map<String, List<OutboxEntry>> groups = new LinkedHashMap<>();
    for (OutboxEntry e : entries) {
      String raw = e.measurement().rawId() == null ? "seq:" + e.seq() : e.measurement().rawId();
      groups.computeIfAbsent(raw, k -> new ArrayList<>()).add(e);
    }
    return new ArrayList<>(groups.values());
  }

  private static java.util.Set<java.util.UUID> updated(List<OutboxEntry> batch) {
    return batch.stream()
        .filter(OutboxEntry::isUpdate)
        .map(e -> e.measurement().id())
        .collect(java.util.stream.Collectors.toSet());
  }

  /**
   * The batch's measurements, plus — for a blood-pressure member queued again on its own (one
   * member retracted or corrected) — the other members of its reading as stored: the server holds
   * them as one panel Observation, which must be rebuilt whole (and so updated) rather than the
   * changed member arriving as a separate Observation beside an unchanged panel.
   */
  private List<Measurement> withPanelCompanions(List<OutboxEntry> batch) {
    List<Measurement> out = new ArrayList<>();
    java.util.Set<java.util.UUID> present = new java.util.HashSet<>();
    for (OutboxEntry e : batch) {
      out.add(e.measurement().toMeasurement());
      present.add(e.measurement().id());
    }
    for (OutboxEntry e : batch) {
      if (e.isUpdate() && BloodPressurePanels.isMember(e.measurement().mdc())) {
        for (StoredMeasurement companion : outbox.companions(e)) {
          if (BloodPressurePanels.isMember(companion.mdc()) && present.add(companion.id())) {
            out.add(companion.toMeasurement());
          }
        }
      }
    }
    return out;
  }

  private enum Result {
    DELIVERED,
    RETRY,
    REFUSED
  }

  private String lastError;
  // What is logged of lastError: a server's answer may quote the patient data it was sent (an
  // OperationOutcome's diagnostics), so it goes only into the outbox, never into the log.
  private String loggedError;
  private Duration lastWait;

  /** One transaction; on failure the entries are rescheduled unless the server refused them. */
  private Result send(List<OutboxEntry> batch) {
    // An entry queued again (new status, other patient) may exist on the server: update it.
    Bundle bundle =
        mapper.transaction(
            withPanelCompanions(batch).stream().map(minimize).toList(), updated(batch));
    lastWait = null;
    try {
      post(bundle);
      outbox.delivered(batch);
      return Result.DELIVERED;
    } catch (FhirClientConnectionException e) {
      lastError = "connection failed: " + e.getMessage();
      loggedError = lastError;
    } catch (FhirDeliveryException e) {
      lastError = e.getMessage();
      loggedError = lastError;
    } catch (BaseServerResponseException e) {
      int status = e.getStatusCode();
      lastError = status + " " + outcomeText(e);
      loggedError =
          "HTTP " + status + " (the server's answer is kept with the entries, not logged)";
      if (status == 429 || status == 503) {
        lastWait = retryAfterHeader.get();
      } else if (status < 500 && status != 408 && status != 401) {
        return Result.REFUSED;
      }
    } finally {
      retryAfterHeader.remove();
    }
    reschedule(batch);
    return Result.RETRY;
  }

  private void reschedule(List<OutboxEntry> entries) {
    if (lastWait != null) {
      log.warn("FHIR destination {}: {} — retrying after {}", config.name(), loggedError, lastWait);
      outbox.retryAfter(entries, lastError, lastWait);
    } else {
      log.warn("FHIR destination {}: {} — will retry", config.name(), loggedError);
      outbox.failed(entries, lastError);
    }
  }

  /** Posts the transaction; a 401 gets one retry with a freshly fetched token. */
  private void post(Bundle bundle) {
    try {
      client.transaction().withBundle(bundle).execute();
    } catch (BaseServerResponseException e) {
      if (e.getStatusCode() != 401 || tokens == null) {
        throw e;
      }
      tokens.invalidate();
      client.transaction().withBundle(bundle).execute();
    }
  }

  /** Retry-After as delta-seconds or an HTTP-date; {@code null} when absent or unreadable. */
  static Duration retryAfter(Map<String, List<String>> headers) {
    return retryAfter(headers, Clock.systemUTC());
  }

  static Duration retryAfter(Map<String, List<String>> headers, Clock clock) {
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (h.getKey() != null
          && h.getKey().equalsIgnoreCase("Retry-After")
          && !h.getValue().isEmpty()) {
        String v = h.getValue().get(0).strip();
        try {
          return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
          try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            return d.isNegative() ? Duration.ZERO : d;
          } catch (DateTimeParseException notDate) {
            return null;
          }
        }
      }
    }
    return null;
  }

  private static String outcomeText(BaseServerResponseException e) {
    if (e.getOperationOutcome() instanceof OperationOutcome oo && !oo.getIssue().isEmpty()) {
      StringBuilder b = new StringBuilder();
      for (OperationOutcome.OperationOutcomeIssueComponent issue : oo.getIssue()) {
        if (b.length() > 0) {
          b.append("; ");
        }
        b.append(issue.getSeverity() == null ? "" : issue.getSeverity().toCode() + ": ")
            .append(issue.getDiagnostics() != null ? issue.getDiagnostics() : issue.getCode());
      }
      return b.toString();
    }
    return e.getMessage();
  }

  @Override
  public void close() {
    loop.close();
  }

  /** HAPI throws on 429/503 without the response headers; this reads Retry-After before it does. */
  private final class RetryAfterInterceptor implements IClientInterceptor {
    @Override
    public void interceptRequest(IHttpRequest request) {
      retryAfterHeader.remove();
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
      if (response.getStatus() == 429 || response.getStatus() == 503) {
        List<String> values = response.getHeaders("Retry-After");
        if (values != null && !values.isEmpty()) {
          retryAfterHeader.set(retryAfter(Map.of("Retry-After", values), clock));
        }
      }
    }
  }

  /** Adds the current bearer token to every request. */
  private record BearerInterceptor(TokenSource tokens) implements IClientInterceptor {
    @Override
    public void interceptRequest(IHttpRequest request) {
      request.addHeader("Authorization", "Bearer " + tokens.token());
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
      // Nothing to read from responses.
    }
  }
}
