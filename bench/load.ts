import autocannon from 'autocannon';

export interface LoadResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
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
}

/** One autocannon run; latency in milliseconds. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const result = await autocannon({
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(spec.headers ?? {}) },
    body: spec.body,
    duration: spec.duration ?? Number(process.env['BENCH_SECONDS'] ?? 5),
    connections: spec.connections ?? 32,
    pipelining: 1,
  });
  return {
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
  const header = ['benchmark', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', ...(ceiling ? ['% of ceiling'] : [])];
  const lines = rows.map((r) => [
    r.name,
    String(r.requestsPerSecond),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.errors),
    String(r.non2xx),
    ...(ceiling ? [`${((100 * r.requestsPerSecond) / ceiling.requestsPerSecond).toFixed(0)}%`] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => '| ' + cols.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(`\n${title}\n`);
  console.log(fmt(header));
  console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  for (const l of lines) console.log(fmt(l));
}
