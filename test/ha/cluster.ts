// Several `coffer server` processes sharing one sqlite file with ha_enabled, on loopback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startCoffer, type CofferProcess } from '../support/coffer-process.js';

export interface ApiAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export async function api(address: string, method: string, path: string, token = '', body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const res = await fetch(`${address}/v1/${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(token ? { 'X-Vault-Token': token } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ClusterNode {
  port: number;
  address: string;
  /** The node's cluster_addr port (its cluster listener, opened while it is active). */
  clusterPort: number;
  configPath: string;
  process: CofferProcess | undefined;
}

export interface Cluster {
  dir: string;
  nodes: ClusterNode[];
  unsealKey: string;
  rootToken: string;
  /** Start (or restart) node i and unseal it. */
  start(i: number): Promise<void>;
  /** The running, unsealed nodes' health statuses, by index. */
  healthCodes(): Promise<Map<number, number>>;
  /** Waits (30 s at most) until exactly one running node is active and the others are standbys; returns its index. */
  active(): Promise<number>;
  stop(): Promise<void>;
}

/** The shared storage: one sqlite file with HA on and a short lock TTL, so failover tests stay fast. */
function sqliteStanza(dataDir: string): string {
  return ['storage "sqlite" {', `  path = "${dataDir}"`, '  ha_enabled = "true"', '  ha_lock_ttl = "2s"', '  ha_poll_interval = "50ms"', '}'].join('\n');
}

export interface ClusterOptions {
  /**
   * Advertise an api_addr on a port nothing listens on (clients still use each
   * node's real listener): forwarding can then only work over the cluster port.
   */
  deadApiAddr?: boolean;
}

/**
 * `count` nodes sharing one storage (by default a sqlite file in a temp
 * directory; `storageStanza` gives another, e.g. postgresql or etcd with
 * ha_enabled). Node 0 is initialised and unsealed first (its unseal creates
 * the tables), then the others. `nodeConfig` adds lines to one node's
 * configuration only (e.g. its own plugin_directory below `dir`).
 */
export async function startCluster(
  count: number,
  extraConfig = '',
  storageStanza?: string,
  nodeConfig: (i: number, dir: string) => string = () => '',
  options: ClusterOptions = {},
): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-ha-'));
  const dataDir = join(dir, 'data');
  const storage = storageStanza ?? sqliteStanza(dataDir);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const clusterPort = await freePort();
    const apiPort = options.deadApiAddr ? await freePort() : port;
    const configPath = join(dir, `node${i}.hcl`);
    writeFileSync(
      configPath,
      [
        storage,
        'listener "tcp" {',
        `  address = "127.0.0.1:${port}"`,
        '  tls_disable = true',
        '}',
        `api_addr = "http://127.0.0.1:${apiPort}"`,
        `cluster_addr = "https://127.0.0.1:${clusterPort}"`,
        extraConfig,
        nodeConfig(i, dir),
        '',
      ].join('\n'),
    );
    nodes.push({ port, address: `http://127.0.0.1:${port}`, clusterPort, configPath, process: undefined });
  }
  const cluster: Cluster = {
    dir,
    nodes,
    unsealKey: '',
    rootToken: '',
    async start(i) {
      const node = nodes[i]!;
      node.process = await startCoffer(['server', `-config=${node.configPath}`, '-log-level=warn'], node.port);
      const unsealed = await api(node.address, 'PUT', 'sys/unseal', '', { key: cluster.unsealKey });
      if (unsealed.status !== 200 || unsealed.body.sealed !== false) throw new Error(`node ${i} did not unseal: ${JSON.stringify(unsealed.body)}`);
    },
    async healthCodes() {
      const codes = new Map<number, number>();
      for (const [i, node] of nodes.entries()) {
        if (!node.process || node.process.child.exitCode !== null || node.process.child.signalCode !== null) continue;
        codes.set(i, (await api(node.address, 'GET', 'sys/health')).status);
      }
      return codes;
    },
    async active() {
      return eventually('exactly one active node', async () => {
        const codes = await cluster.healthCodes();
        const active = [...codes].filter(([, code]) => code === 200).map(([i]) => i);
        const standbys = [...codes].filter(([, code]) => code === 429 || code === 473); // 473: a performance standby
        return active.length === 1 && standbys.length === codes.size - 1 ? active[0] : undefined;
      }, 30_000);
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.process?.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const first = nodes[0]!;
    first.process = await startCoffer(['server', `-config=${first.configPath}`, '-log-level=warn'], first.port);
    const init = await api(first.address, 'PUT', 'sys/init', '', { secret_shares: 1, secret_threshold: 1 });
    if (init.status !== 200) throw new Error(`init failed: ${JSON.stringify(init.body)}`);
    cluster.unsealKey = init.body.keys[0];
    cluster.rootToken = init.body.root_token;
    const unsealed = await api(first.address, 'PUT', 'sys/unseal', '', { key: cluster.unsealKey });
    if (unsealed.body.sealed !== false) throw new Error('node 0 did not unseal');
    await cluster.active();
    for (let i = 1; i < count; i++) await cluster.start(i);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
