/** One timer of sys/metrics' JSON (go-metrics' sample: milliseconds for Vault's timers). */
export interface MetricSample {
  Name: string;
  Count: number;
  Sum: number;
  Mean: number;
  Max: number;
}

/** The parts of Vault's sys/metrics JSON the dashboard reads. */
export interface MetricsJson {
  Samples?: MetricSample[] | null;
}

/** A reading of sys/metrics and when the browser took it. */
export interface MetricsReading {
  json: MetricsJson;
  takenAtMs: number;
}

/** Vault's in-memory sink aggregates over 10-second intervals. */
const VAULT_INTERVAL_SECONDS = 10;

export const HANDLE_REQUEST = 'vault.core.handle_request';

export interface RequestSummary {
  requests: number;
  /** Requests per second between the last two readings; undefined until there are two. */
  ratePerSecond: number | undefined;
  meanMs: number;
  maxMs: number;
}

export function sample(json: MetricsJson, name: string): MetricSample | undefined {
  return (json.Samples ?? []).find((s) => s.Name === name);
}

/**
 * Request count, rate and latency from vault.core.handle_request. The
 * rate is the count's growth between two readings over the time between
 * them, since Coffer's counts grow from server start. A count that fell
 * (a restarted server, or Vault, whose JSON covers only its last 10-second
 * interval) is read as one such interval's requests.
 */
export function requestSummary(current: MetricsReading, previous: MetricsReading | undefined): RequestSummary | undefined {
  const now = sample(current.json, HANDLE_REQUEST);
  if (!now) return undefined;
  let ratePerSecond: number | undefined;
  if (previous) {
    const before = sample(previous.json, HANDLE_REQUEST)?.Count ?? 0;
    const seconds = (current.takenAtMs - previous.takenAtMs) / 1000;
    if (now.Count < before) ratePerSecond = now.Count / VAULT_INTERVAL_SECONDS;
    else if (seconds > 0) ratePerSecond = (now.Count - before) / seconds;
  }
  return { requests: now.Count, ratePerSecond, meanMs: now.Mean, maxMs: now.Max };
}

/** Per-route timers (vault.route.<operation>.<mount>), busiest first. */
export function routeSamples(json: MetricsJson): MetricSample[] {
  return (json.Samples ?? []).filter((s) => s.Name.startsWith('vault.route.')).sort((a, b) => b.Count - a.Count);
}
