import autocannon from 'autocannon';
import { processCpuMicros } from './process-cpu.js';

export interface LoadResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Server CPU (user + system) per request, µs, from the server process's own CPU time; undefined without /proc. */
  cpuMicrosPerRequest?: number;
  /** Requests completed in the run. */
  total?: number;
}

export interface LoadSpec {
  name: string;
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  /** Seconds. */
  duration?: number;
  connections?: number;
  /** The server process, whose CPU time is measured over the run. */
  serverPid?: number;
  /** TLS options of the client connections (a client certificate for the cert auth method). */
  tlsOptions?: { cert?: string; key?: string };
}

/** One autocannon run; latency in milliseconds. A one-second unmeasured warm-up first, so JIT compilation is not counted. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (process.env['BENCH_WARMUP'] !== '0') {
    await autocannon({ url: spec.url, method: spec.method ?? 'GET', headers: { 'content-type': 'application/json', ...(spec.headers ?? {}) }, body: spec.body, duration: 1, connections: spec.connections ?? 32, ...(spec.tlsOptions ? { tlsOptions: spec.tlsOptions } : {}) });
  }
  const cpuBefore = spec.serverPid ? processCpuMicros(spec.serverPid) : undefined;
  const result = await autocannon({
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(spec.headers ?? {}) },
    body: spec.body,
    duration: spec.duration ?? Number(process.env['BENCH_SECONDS'] ?? 5),
    connections: spec.connections ?? 32,
    pipelining: 1,
    ...(spec.tlsOptions ? { tlsOptions: spec.tlsOptions } : {}),
  });
  const cpuAfter = spec.serverPid ? processCpuMicros(spec.serverPid) : undefined;
  const served = result.requests.total;
  return {
    cpuMicrosPerRequest: cpuBefore !== undefined && cpuAfter !== undefined && served > 0 ? (cpuAfter - cpuBefore) / served : undefined,
    name: spec.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

export function printTable(title: string, rows: LoadResult[], ceiling?: LoadResult): void {
  const cpuRatio = (r: LoadResult) => (ceiling?.cpuMicrosPerRequest && r.cpuMicrosPerRequest ? `${(r.cpuMicrosPerRequest / ceiling.cpuMicrosPerRequest).toFixed(1)}×` : '—');
  const header = ['benchmark', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'CPU µs/req', ...(ceiling ? ['% of ceiling req/s', 'CPU/req vs ceiling'] : [])];
  const lines = rows.map((r) => [
    r.name,
    String(r.requestsPerSecond),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.errors),
    String(r.non2xx),
    r.cpuMicrosPerRequest === undefined ? '—' : r.cpuMicrosPerRequest.toFixed(0),
    ...(ceiling ? [`${((100 * r.requestsPerSecond) / ceiling.requestsPerSecond).toFixed(0)}%`, cpuRatio(r)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => '| ' + cols.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(`\n${title}\n`);
  console.log(fmt(header));
  console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  for (const l of lines) console.log(fmt(l));
}
