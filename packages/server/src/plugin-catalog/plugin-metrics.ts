import type { MetricsSink } from '../metrics/sink.js';
import type { Launcher } from './process-pool.js';

/**
 * Plugin process metrics: the counters vault.plugin.launches and
 * vault.plugin.launch_failure (by plugin_name) and vault.plugin.exit (by
 * plugin_name and `unexpected`: "true" for a crash, "false" for a stop the
 * server asked for), and the vault.plugin.launch timer (spawn to handshake).
 */
export function measuredLauncher(launch: Launcher, metrics: MetricsSink): Launcher {
  return async (spec) => {
    const started = performance.now();
    let process: Awaited<ReturnType<Launcher>>;
    try {
      process = await launch(spec);
    } catch (err) {
      metrics.incrCounter('vault.plugin.launch_failure', { plugin_name: spec.name });
      throw err;
    }
    metrics.measure('vault.plugin.launch', performance.now() - started);
    metrics.incrCounter('vault.plugin.launches', { plugin_name: spec.name });
    void process.exited.then((info) => metrics.incrCounter('vault.plugin.exit', { plugin_name: spec.name, unexpected: String(!info.requested) }));
    return process;
  };
}
