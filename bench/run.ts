// `npm run bench`: starts servers as separate processes and measures them with autocannon.
// BENCH_SECONDS (default 5) sets each run's length; BENCH_ONLY=core|plugins|transit|pki|cert|leases picks a group.
import { coreBench } from './core-bench.js';

const only = process.env['BENCH_ONLY'];
if (!only || only === 'core') await coreBench();
if (!only || only === 'plugins') {
  const { pluginBench } = await import('./plugin-bench.js').catch(() => ({ pluginBench: undefined }));
  if (pluginBench) await pluginBench();
}
if (!only || only === 'transit') await (await import('./transit-bench.js')).transitBench();
if (!only || only === 'pki') await (await import('./pki-bench.js')).pkiBench();
if (!only || only === 'cert') await (await import('./cert-bench.js')).certBench();
if (!only || only === 'leases') {
  const { leaseBench } = await import('./lease-bench.js');
  await leaseBench();
}
