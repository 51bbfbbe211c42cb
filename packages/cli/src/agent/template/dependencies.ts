// The secrets templates depend on, fetched once and shared by every template
// that names them, and kept fresh: static secrets (KV) are fetched again every
// static_secret_render_interval; leased secrets and tokens are renewed at two
// thirds of their lease and fetched anew before the lease can end.
import { X509Certificate } from 'node:crypto';
import { ApiClient } from '../../api/client.js';
import { ResponseError } from '../../api/errors.js';
import type { Secret } from '../../api/secret.js';
import { errorText } from '../error-text.js';
import type { Logger } from '../logger.js';
import { renewLease } from '../renew-lease.js';
import { addPrefixToKvPath, kvPreflight, type KvMount } from '../../kv/paths.js';
import { templateSecret } from './secret-value.js';

export type DependencyKind = 'read' | 'write' | 'list' | 'pki';

/** The secret does not exist (yet): the template waits for it. */
export class MissingSecret extends Error {}

interface Dependency {
  kind: DependencyKind;
  path: string;
  body: Record<string, unknown>;
  value: unknown;
  /** When to renew (ms epoch); undefined when there is nothing to renew. */
  renewAt?: number;
  /** When to fetch again (ms epoch). */
  staleAt: number;
  leaseId?: string;
  /** A token created through a template, renewed with itself. */
  authToken?: string;
  increment: number;
}

export class Dependencies {
  private readonly deps = new Map<string, Dependency>();
  private token = '';

  constructor(
    private readonly client: ApiClient,
    private readonly staticIntervalSeconds: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new agent token: everything is fetched again with it. */
  setToken(token: string): void {
    if (token !== this.token) this.deps.clear();
    this.token = token;
  }

  clear(): void {
    this.deps.clear();
  }

  /** The value for a template call, fetched when not cached. */
  async get(kind: DependencyKind, path: string, body: Record<string, unknown>): Promise<unknown> {
    const key = `${kind} ${path} ${JSON.stringify(body)}`;
    const cached = this.deps.get(key);
    if (cached) return cached.value;
    const dep = await this.fetch(kind, path, body);
    this.deps.set(key, dep);
    return dep.value;
  }

  /** When the next renewal or refetch is due (ms epoch), or undefined. */
  nextEvent(): number | undefined {
    let next: number | undefined;
    for (const dep of this.deps.values()) {
      for (const t of [dep.renewAt, dep.staleAt]) if (t !== undefined && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  /** Renews what is due and drops what is stale; true when something must be fetched again. */
  async runDue(): Promise<boolean> {
    let stale = false;
    const now = this.now();
    for (const [key, dep] of this.deps) {
      if (dep.staleAt <= now) {
        this.deps.delete(key);
        stale = true;
        continue;
      }
      if (dep.renewAt !== undefined && dep.renewAt <= now) await this.renew(dep);
    }
    return stale;
  }

  private async renew(dep: Dependency): Promise<void> {
    dep.renewAt = undefined;
    try {
      const ttl = await renewLease(this.client, dep, this.token);
      this.logger.debug('renewed lease', { path: dep.path, ttl });
      const now = this.now();
      if (ttl >= dep.increment) {
        dep.renewAt = now + (ttl * 2000) / 3;
        dep.staleAt = now + ttl * 1000 * 0.9;
      } else {
        // Capped by its max TTL, it will not be extended again: fetch the
        // replacement early (a third of the way in), since the server rounds
        // the TTL to whole seconds and the fetch and render take time too.
        dep.staleAt = now + (ttl * 1000) / 3;
      }
    } catch (err) {
      this.logger.warn('renewing a lease failed; fetching the secret again', { path: dep.path, error: errorText(err) });
      dep.staleAt = this.now();
    }
  }

  private readonly mounts = new Map<string, KvMount>();

  /**
   * As consul-template does, `secret "secret/app"` on a KV v2 mount reads
   * secret/data/app; paths that already name data/ or metadata/ are kept.
   * When the mount cannot be looked up, the path is used as written.
   */
  private async kvPath(path: string): Promise<string> {
    let mount = this.mounts.get(path);
    if (!mount) {
      try {
        mount = await kvPreflight(new ApiClient(this.client.options, this.token), path);
      } catch {
        return path;
      }
      this.mounts.set(path, mount);
    }
    if (mount.version !== 2 || mount.mountPath === '') return path;
    const below = path.startsWith(mount.mountPath) ? path.slice(mount.mountPath.length) : undefined;
    if (below === undefined || below.startsWith('data/') || below.startsWith('metadata/')) return path;
    return addPrefixToKvPath(path, mount.mountPath, 'data');
  }

  private async fetch(kind: DependencyKind, path: string, body: Record<string, unknown>): Promise<Dependency> {
    const now = this.now();
    const dep: Dependency = { kind, path, body, value: null, staleAt: now + this.staticIntervalSeconds * 1000, increment: 0 };
    const opts = { token: this.token, noWrap: true };
    if (kind === 'list') {
      const secret = await this.client.list(path, opts);
      const keys = secret?.data?.keys;
      dep.value = Array.isArray(keys) ? keys.map(String).sort() : [];
      return dep;
    }
    if (kind === 'read') path = await this.kvPath(path);
    let secret: Secret | null;
    try {
      secret = kind === 'read' ? await this.client.read(path, undefined, opts) : await this.client.write(path, body, 'PUT', opts);
    } catch (err) {
      if (err instanceof ResponseError && err.statusCode === 404) throw new MissingSecret(`no secret exists at ${path}`);
      throw err;
    }
    if (!secret) throw new MissingSecret(`no secret exists at ${path}`);
    if (kind === 'read' && secret.data && secret.data.data === null && typeof secret.data.metadata === 'object') {
      // A KV v2 version that is deleted or destroyed reads as no secret.
      throw new MissingSecret(`no secret exists at ${path} (the latest version is deleted)`);
    }
    const value = templateSecret(secret);
    if (kind === 'pki') {
      const data = (secret.data ?? {}) as Record<string, unknown>;
      const pki = {
        Cert: String(data.certificate ?? ''),
        Key: String(data.private_key ?? ''),
        CA: String(data.issuing_ca ?? ''),
        CAChain: Array.isArray(data.ca_chain) ? data.ca_chain.map(String) : [],
      };
      dep.value = { ...pki, Data: pki };
      dep.staleAt = certificateRefresh(pki.Cert, now) ?? dep.staleAt;
      return dep;
    }
    dep.value = value;
    const auth = secret.auth;
    const leaseSeconds = auth?.client_token ? Number(auth.lease_duration ?? 0) : Number(secret.lease_duration ?? 0);
    const renewable = auth?.client_token ? Boolean(auth.renewable) : Boolean(secret.renewable);
    const leased = Boolean(auth?.client_token) || Boolean(secret.lease_id);
    if (leased && leaseSeconds > 0) {
      dep.increment = leaseSeconds;
      if (auth?.client_token) dep.authToken = auth.client_token;
      else dep.leaseId = secret.lease_id!;
      if (renewable) {
        dep.renewAt = now + (leaseSeconds * 2000) / 3;
        dep.staleAt = now + leaseSeconds * 1000 * 0.9;
      } else {
        dep.staleAt = now + (leaseSeconds * 2000) / 3;
      }
    }
    return dep;
  }
}

/** A certificate is issued again at two thirds of its validity. */
function certificateRefresh(pem: string, now: number): number | undefined {
  try {
    const cert = new X509Certificate(pem);
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    return Math.max(now + 1000, from + ((to - from) * 2) / 3);
  } catch {
    return undefined;
  }
}
