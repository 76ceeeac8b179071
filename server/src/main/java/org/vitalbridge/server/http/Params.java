package org.vitalbridge.server.http;

import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Query and path parameters, each refused as a 400 {@code bad-parameter} problem naming it. */
final class Params {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private Params() {}

  /**
   * {@code ?limit=} in 1..{@code max}, default {@value #DEFAULT_LIMIT} (or {@code max} if less).
   */
  static int limit(Context ctx, int max) {
    String v = ctx.queryParam("limit");
    if (v == null) {
      return Math.min(DEFAULT_LIMIT, max);
    }
    long n = number(ctx, "limit", v);
    if (n < 1 || n > max) {
      throw bad(ctx, "limit", "must be 1.." + max);
    }
    return (int) n;
  }

  /** A non-negative whole number from the query (a cursor, an offset), or {@code otherwise}. */
  static long count(Context ctx, String name, long otherwise) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return otherwise;
    }
    long n = number(ctx, name, v);
    if (n < 0) {
      throw bad(ctx, name, "must not be negative");
    }
    return n;
  }

  /** A path parameter that is a sequence number. */
  static long seq(Context ctx, String name) {
    long n = number(ctx, name, ctx.pathParam(name));
    if (n < 1) {
      throw bad(ctx, name, "must be a positive number");
    }
    return n;
  }

  /** An ISO-8601 instant ({@code 2026-11-24T10:15:00Z}, offsets allowed) or {@code otherwise}. */
  static Instant instant(Context ctx, String name, Instant otherwise) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return otherwise;
    }
    try {
      return java.time.OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw bad(ctx, name, "must be an ISO-8601 date-time with offset, e.g. 2026-11-24T10:15:00Z");
    }
  }

  /** An ISO-8601 duration ({@code PT5M}) of at least one second, or {@code otherwise}. */
  static Duration duration(Context ctx, String name, Duration otherwise) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return otherwise;
    }
    try {
      Duration d = Duration.parse(v);
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw bad(ctx, name, "must be at least PT1S");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw bad(ctx, name, "must be an ISO-8601 duration, e.g. PT5M");
    }
  }

  /** {@code from} before {@code to}, else 400. */
  static void range(Context ctx, Instant from, Instant to) {
    if (!from.isBefore(to)) {
      throw bad(ctx, "from", "must be before to");
    }
  }

  static Problem.Raised bad(Context ctx, String name, String why) {
    return Problem.of("bad-parameter", "Bad parameter", 400, "'" + name + "' " + why, ctx.path())
        .with("parameter", name)
        .raise();
  }

  private static long number(Context ctx, String name, String v) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw bad(ctx, name, "must be a whole number, not '" + v + "'");
    }
  }
}
