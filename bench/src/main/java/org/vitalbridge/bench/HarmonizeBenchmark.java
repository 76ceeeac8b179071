package org.vitalbridge.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.vitalbridge.core.harmonize.HarmonizeResult;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;

/**
 * Harmonizes one {@link DeviceReading} into a canonical measurement: label to MDC code, unit to
 * UCUM with conversion, timestamp to a UTC instant, range check and deterministic id.
 *
 * <p>The readings are a realistic bedside mix built once in {@link #setUp()} and cycled through:
 * SpO2 in {@code %}, heart rate in {@code bpm}, body temperature in {@code degF} (converted to
 * {@code Cel}), NIBP systolic/diastolic/mean in {@code mmHg} and body weight in {@code lbs}
 * (converted to {@code kg}); half of the timestamps are ISO-8601 with an offset, half epoch
 * milliseconds. Values and times vary so that every reading yields a different measurement id. The
 * receive time is a fixed instant, so the hot loop never reads the clock.
 *
 * <p>One operation is one harmonized reading; {@link #throughput} reports readings/s, {@link
 * #latency} ns/reading.
 */
@State(Scope.Thread)
public class HarmonizeBenchmark {
  /** A power of two, so the cursor wraps with a mask. */
  private static final int READINGS = 64;

  static final Instant RECEIVED_AT = Instant.parse("2026-11-25T09:20:00Z");

  private static final TimeSpec ISO = TimeSpec.of(TimeFormat.ISO);
  private static final TimeSpec EPOCH_MS = TimeSpec.of(TimeFormat.EPOCH_MILLIS);

  private Harmonizer harmonizer;
  private Provenance provenance;
  private DeviceReading[] readings;
  private int cursor;

  @Setup
  public void setUp() {
    harmonizer =
        new Harmonizer(
            TerminologyLoader.shipped(),
            new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
            HarmonizerSettings.DEFAULTS);
    provenance = new Provenance("bench-raw-1", "bench", "bench@1");
    readings = mix();
    // Every reading must be accepted: a rejection takes a different (and cheaper) path, which
    // would make the figure meaningless.
    for (DeviceReading r : readings) {
      HarmonizeResult result = harmonizer.harmonize(r, RECEIVED_AT, provenance);
      if (!(result instanceof HarmonizeResult.Accepted)) {
        throw new IllegalStateException("benchmark reading " + r + " was not accepted: " + result);
      }
    }
    cursor = 0;
  }

  /**
   * The reading mix: {@value #READINGS} readings, 8 metrics from each of 8 devices, ordered
   * metric-major so that consecutive readings come from different devices with different
   * timestamps, as readings from many devices interleave on a busy engine (a one-entry "same
   * timestamp as the previous reading" memo in the harmonizer would not flatter the figure).
   */
  static DeviceReading[] mix() {
    int devices = READINGS / 8;
    DeviceReading[] out = new DeviceReading[READINGS];
    long baseMillis = RECEIVED_AT.minusSeconds(600).toEpochMilli();
    for (int i = 0; i < devices; i++) {
      String device = "BENCH-" + (1000 + i);
      String bed = "ICU-" + (i + 1);
      long millis = baseMillis + i * 1_000L;
      // Every second device sends ISO-8601 with an offset, the others epoch milliseconds.
      boolean iso = i % 2 == 0;
      String ts =
          iso
              ? Instant.ofEpochMilli(millis)
                  .atOffset(ZoneOffset.ofHours(1))
                  .toString() // e.g. 2026-11-25T10:10:00+01:00
              : Long.toString(millis);
      TimeSpec spec = iso ? ISO : EPOCH_MS;
      DeviceReading[] perDevice = {
        reading(device, "SpO2", Integer.toString(94 + i % 5), "%", ts, spec, bed),
        reading(device, "heart_rate", Integer.toString(62 + i), "bpm", ts, spec, bed),
        reading(device, "body_temp", "98." + (i % 10), "degF", ts, spec, bed),
        reading(device, "nibp_sys", Integer.toString(112 + i), "mmHg", ts, spec, bed),
        reading(device, "nibp_dia", Integer.toString(71 + i), "mmHg", ts, spec, bed),
        reading(device, "nibp_mean", Integer.toString(85 + i), "mmHg", ts, spec, bed),
        reading(device, "weight", "16" + i + ".4", "lbs", ts, spec, bed),
        reading(device, "O2Sat", Integer.toString(99 - i % 4), "%SpO2", ts, spec, bed)
      };
      for (int m = 0; m < perDevice.length; m++) {
        out[m * devices + i] = perDevice[m];
      }
    }
    return out;
  }

  private static DeviceReading reading(
      String device,
      String label,
      String value,
      String unit,
      String ts,
      TimeSpec spec,
      String bed) {
    return new DeviceReading(device, label, value, unit, ts, spec, null, bed);
  }

  private DeviceReading next() {
    DeviceReading r = readings[cursor];
    cursor = (cursor + 1) & (READINGS - 1);
    return r;
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void throughput(Blackhole bh) {
    bh.consume(harmonizer.harmonize(next(), RECEIVED_AT, provenance));
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void latency(Blackhole bh) {
    bh.consume(harmonizer.harmonize(next(), RECEIVED_AT, provenance));
  }
}
