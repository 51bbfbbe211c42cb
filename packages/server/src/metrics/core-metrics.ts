import { Counter, Gauge, Registry, Summary } from 'prom-client';
import type { MetricsSink } from './sink.js';

/** Samples a timer holds before they go into its digest without waiting for a scrape. */
const MAX_PENDING_SAMPLES = 4096;

/** Aggregates of one timer since the server started, for Vault's JSON format. */
interface SampleAggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  sumOfSquares: number;
}

/**
 * The server's metrics under Vault's names ("vault.core.handle_request"):
 * a prom-client registry for Prometheus (dots become underscores, as
 * Vault's Prometheus sink writes them) and running aggregates for Vault's
 * JSON format. Timers are in milliseconds, as Vault's.
 */
export class CoreMetrics implements MetricsSink {
  readonly registry = new Registry();
  private readonly summaries = new Map<string, { summary: Summary; pending: number[] }>();
  private readonly gauges = new Map<string, { gauge: Gauge; value: number }>();
  private readonly samples = new Map<string, SampleAggregate>();
  /** By name, then by label set (its JSON): the counter and, per label set, the increments' aggregate. */
  private readonly counters = new Map<string, { counter: Counter; labelNames: string[]; series: Map<string, { labels: Record<string, string>; agg: SampleAggregate }> }>();

  /** `retentionSeconds`: telemetry's prometheus_retention_time; 0 turns the Prometheus format off. */
  constructor(readonly retentionSeconds = 24 * 3600) {}

  /**
   * Record a duration (ms) under a dotted name. The sample waits in a list
   * and reaches the summary's digest when Prometheus scrapes (or the list
   * is full): a digest insert on every request would cost the hot path.
   */
  measure(name: string, ms: number): void {
    let timer = this.summaries.get(name);
    if (!timer) {
      const pending: number[] = [];
      const flush = (summary: Summary): void => {
        for (const value of pending) summary.observe(value);
        pending.length = 0;
      };
      // One digest per timer (no sliding window).
      const summary: Summary = new Summary({
        name: prometheusName(name),
        help: `${name} (milliseconds)`,
        percentiles: [0.5, 0.9, 0.99],
        registers: [this.registry],
        collect() {
          flush(summary);
        },
      });
      timer = { summary, pending };
      this.summaries.set(name, timer);
    }
    timer.pending.push(ms);
    if (timer.pending.length >= MAX_PENDING_SAMPLES) {
      for (const value of timer.pending) timer.summary.observe(value);
      timer.pending.length = 0;
    }
    const agg = this.samples.get(name);
    if (!agg) this.samples.set(name, { count: 1, sum: ms, min: ms, max: ms, sumOfSquares: ms * ms });
    else addSample(agg, ms);
  }

  /**
   * A counter's label names are fixed by its first increment (Prometheus
   * needs one label set per metric name); every caller of one name passes
   * the same keys.
   */
  incrCounter(name: string, labels: Readonly<Record<string, string>> = {}, value = 1): void {
    let entry = this.counters.get(name);
    if (!entry) {
      const labelNames = Object.keys(labels).sort();
      entry = { counter: new Counter({ name: prometheusName(name), help: name, labelNames, registers: [this.registry] }), labelNames, series: new Map() };
      this.counters.set(name, entry);
    }
    const known: Record<string, string> = {};
    for (const key of entry.labelNames) known[key] = labels[key] ?? '';
    entry.counter.inc(known, value);
    const seriesKey = JSON.stringify(known);
    const series = entry.series.get(seriesKey);
    if (!series) entry.series.set(seriesKey, { labels: known, agg: { count: 1, sum: value, min: value, max: value, sumOfSquares: value * value } });
    else addSample(series.agg, value);
  }

  setGauge(name: string, value: number): void {
    let entry = this.gauges.get(name);
    if (!entry) {
      entry = { gauge: new Gauge({ name: prometheusName(name), help: name, registers: [this.registry] }), value };
      this.gauges.set(name, entry);
    }
    entry.value = value;
    entry.gauge.set(value);
  }

  /** The Prometheus text exposition format. */
  prometheusText(): Promise<string> {
    return this.registry.metrics();
  }

  get prometheusContentType(): string {
    return this.registry.contentType;
  }

  /** Vault's JSON format (go-metrics' summary: Gauges, Counters, Samples, Points). */
  json(now = new Date()): Record<string, unknown> {
    return {
      Timestamp: now.toISOString().replace(/\.\d+Z$/, ' +0000 UTC').replace('T', ' '),
      Gauges: [...this.gauges].map(([name, g]) => ({ Name: name, Value: g.value, Labels: {} })),
      Points: [],
      Counters: [...this.counters].flatMap(([name, c]) => [...c.series.values()].map((s) => aggregateJson(name, s.agg, s.labels))),
      Samples: [...this.samples].map(([name, s]) => aggregateJson(name, s, {})),
    };
  }
}

function addSample(agg: SampleAggregate, value: number): void {
  agg.count++;
  agg.sum += value;
  agg.sumOfSquares += value * value;
  if (value < agg.min) agg.min = value;
  if (value > agg.max) agg.max = value;
}

/** One go-metrics aggregate (Rate: per second over Vault's 10 s interval). */
function aggregateJson(name: string, s: SampleAggregate, labels: Record<string, string>): Record<string, unknown> {
  const mean = s.sum / s.count;
  return { Name: name, Count: s.count, Rate: s.sum / 10, Sum: s.sum, Min: s.min, Max: s.max, Mean: mean, Stddev: Math.sqrt(Math.max(0, s.sumOfSquares / s.count - mean * mean)), Labels: labels };
}

/** "vault.route.read.secret-" → "vault_route_read_secret_" (Prometheus allows [a-zA-Z0-9_:]). */
export function prometheusName(dotted: string): string {
  return dotted.replace(/[^a-zA-Z0-9_:]/g, '_');
}
