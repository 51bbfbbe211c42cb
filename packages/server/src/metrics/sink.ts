/**
 * What the subsystems that report metrics (barrier, token store, audit,
 * plugins) need of the metrics registry: record under Vault's dotted names.
 * They take this narrow port, not the registry, so a core built without
 * metrics (a unit test) passes `silentMetrics`.
 */
export interface MetricsSink {
  /** A duration in milliseconds (a Vault timer/summary). */
  measure(name: string, ms: number): void;
  /** Adds `value` (default 1) to a counter; labels as Vault's (token_type, mount_point…). */
  incrCounter(name: string, labels?: Readonly<Record<string, string>>, value?: number): void;
  setGauge(name: string, value: number): void;
}

export const silentMetrics: MetricsSink = {
  measure() {},
  incrCounter() {},
  setGauge() {},
};

/** Runs `work` and records how long it took (also when it fails). */
export async function timed<T>(metrics: MetricsSink, name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    metrics.measure(name, performance.now() - started);
  }
}
