import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { CofferError, isCofferError, type Auth, type Connection, type Logger, type Response, type Storage } from '@coffer/sdk';
import { ExpiryHeap } from './expiry-heap.js';
import { assertRenewable, checkRenewable, decodeLease, encodeLease, remainingTtl, type LeaseEntry } from './lease-entry.js';
import { runPool } from './pool.js';
import { base62Random } from './random-id.js';
import { formatTime } from './time-format.js';
import { calculateTtl, type MountTtls } from './ttl.js';

/** Where leases live inside the storage the manager is given (Vault's sys/expire/ layout). */
const ID_PREFIX = 'id/';
const TOKEN_INDEX_PREFIX = 'token/';

/** Long timers are re-armed at least hourly so that clock corrections are picked up. */
const MAX_TIMER_DELAY_MS = 60 * 60 * 1000;

/** One timer for the whole manager; tests inject a fake one. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realScheduler: Scheduler = {
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** Who a secret's lease is indexed under, so that revoking that token revokes the lease. */
export interface LeaseOwner {
  /** Salted id of the token (for a non-orphan batch token: of its parent); '' for none. */
  tokenKey: string;
  tokenType: 'service' | 'batch';
  /** A batch token's expiry (ms): the lease is capped to it. */
  tokenExpireTime?: number;
}

export interface ExpirationManagerOptions {
  /** A barrier view reserved for leases, e.g. `sys/expire/`. */
  storage: Storage;
  logger: Logger;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Ask the backend that issued a secret to revoke it (the core routes by lease.path). */
  revokeSecret: (lease: LeaseEntry) => Promise<void>;
  /** Ask the backend that issued a secret to renew it; its answer carries the new secret TTL. */
  renewSecret: (lease: LeaseEntry, increment: number) => Promise<Response | null>;
  /** Revoke a token and its children, given its salted id. The token store attaches this itself. */
  revokeToken?: (tokenKey: string) => Promise<void>;
  /** Whether a token still exists, given its salted id (tidy). The token store attaches this itself. */
  tokenExists?: (tokenKey: string) => Promise<boolean>;
  /**
   * Renew the auth of a login token through the auth method that issued it
   * (the core routes a `renew` request with req.auth = lease.auth). Without
   * it, such tokens renew with their stored auth.
   */
  /** `connection` is the renewing client's (the cert auth method checks the certificate presented again). */
  renewAuth?: (lease: LeaseEntry, increment: number, connection?: Connection) => Promise<Response | null>;
  /** The live (tuned) TTL limits of the mount serving `path`; null/absent = the values stored with the lease. */
  mountTtls?: (path: string) => Promise<MountTtls | null> | MountTtls | null;
  scheduler?: Scheduler;
  /** Revocations running at once (default 16). */
  revokeConcurrency?: number;
  /** Expired leases taken off the heap per round (default 500). */
  batchSize?: number;
  /**
   * Share of the server's time a mass expiry may take (0 < x <= 1, default 0.25):
   * after each batch the expiry pauses as long as the batch took times (1/x - 1),
   * so other requests keep their latency while thousands of leases expire at once.
   */
  expiryDutyCycle?: number;
  /** Failed revocations before a lease is marked irrevocable (default 6, as Vault). */
  maxRevokeAttempts?: number;
  /** First retry delay; doubles on every failure (default 10 s). */
  retryBaseMs?: number;
  /** Keys read per storage page when streaming (default 1000). */
  pageSize?: number;
}

export interface RegisterSecretInput {
  /** Full request path, mount included. The lease id is `<path>/<random>`. */
  path: string;
  owner: LeaseOwner;
  /** The backend's response; its secret gets leaseId, ttl and issueTime filled in. */
  response: Response;
  mountDefaults: MountTtls;
}

export interface RegisterAuthInput {
  /** The token's creation path ("auth/token/create", "auth/userpass/login/bob"). */
  path: string;
  /** The token's salted id. The lease id is `<path>/<tokenKey>`. */
  tokenKey: string;
  /** The token's auth (ttl 0 = never expires, allowed for root tokens only). */
  auth: Auth;
  mountDefaults: MountTtls;
}

/** sys/leases/lookup's answer, field for field. */
export interface LeaseLookup {
  id: string;
  issue_time: string;
  expire_time: string | null;
  last_renewal: string | null;
  renewable: boolean;
  ttl: number;
  /** Present while revocations of an expired lease fail (Coffer's addition: failures are never silent). */
  revocation_attempts?: number;
  next_revocation_attempt?: string;
  last_revocation_error?: string;
  /** True once the lease was given up on; revoke-force removes it. */
  irrevocable?: boolean;
}

/** A lease whose revocation failed and is being retried. */
export interface RevocationState {
  attempts: number;
  /** ms since the epoch; undefined once the lease is irrevocable. */
  nextAttempt?: number;
  lastError: string;
  irrevocable: boolean;
}

export interface IrrevocableLease {
  leaseId: string;
  error: string;
  expireTime: number;
}

export interface LeaseTimes {
  issueTime: number;
  expireTime: number;
  lastRenewalTime: number;
  renewable: boolean;
}

export interface ExpirationManager {
  registerSecret(input: RegisterSecretInput): Promise<{ leaseId: string; ttl: number; renewable: boolean }>;
  registerAuth(input: RegisterAuthInput): Promise<string>;
  /** Renew a secret's lease (sys/leases/renew). Token leases are refused. */
  renew(leaseId: string, increment: number): Promise<Response | null>;
  /**
   * Renew a token's lease. `localRenew` is used for tokens created by the
   * token store (paths under auth/token/); other tokens go to options.renewAuth.
   */
  renewAuthLease(leaseId: string, increment: number, localRenew?: (auth: Auth) => Promise<Auth>, connection?: Connection): Promise<{ auth: Auth; warnings: string[] } | null>;
  /** Revoke now (token leases revoke the token tree). Unknown ids are a no-op, as in Vault. */
  revoke(leaseId: string, opts?: { force?: boolean }): Promise<void>;
  /** Mark a lease expired now; the timer revokes it (Vault's lazy revoke). */
  expireNow(leaseId: string): Promise<void>;
  /** Revoke every lease under a prefix (or the one lease with exactly that id). */
  revokePrefix(prefix: string, opts?: { force?: boolean; sync?: boolean }): Promise<void>;
  /** Expire every lease created by a token and drop the token's own lease (called by the token store while revoking it). */
  revokeByToken(tokenKey: string, opts?: { tokenLeaseId?: string }): Promise<void>;
  lookup(leaseId: string): Promise<LeaseLookup | null>;
  leaseTimes(leaseId: string): Promise<LeaseTimes | null>;
  /** The expiry (ms, 0 = never) of a lease, answered from memory once restored; null = no such lease. */
  expireTimeOf(leaseId: string): Promise<number | null>;
  get(leaseId: string): Promise<LeaseEntry | null>;
  listByPrefix(prefix: string, page?: { after?: string; limit?: number }): Promise<string[]>;
  /** Revoke leases whose token no longer exists. */
  tidy(): Promise<{ scanned: number; revoked: number }>;
  /** Stream every stored lease into memory (on unseal). Resolves when all are loaded. */
  restore(): Promise<void>;
  /** Forget everything in memory and clear the timer (on seal). */
  stop(): void;
  /** Leases known in memory. */
  count(): number;
  /** A lease whose revocation failed: how often, when it is tried next, why (undefined when none failed). */
  revocationState(leaseId: string): RevocationState | undefined;
  /** Leases given up on after repeated failed revocations (revoke-force removes them). */
  irrevocableLeases(): Promise<IrrevocableLease[]>;
  /** Revoke every lease that is due now; resolves with how many were handled. */
  processDue(): Promise<number>;
  /** Number of armed timers (0 or 1): for tests and metrics. */
  timersArmed(): number;
  attachTokenStore(hooks: { revokeToken: (tokenKey: string) => Promise<void>; tokenExists: (tokenKey: string) => Promise<boolean> }): void;
}

export function createExpirationManager(options: ExpirationManagerOptions): ExpirationManager {
  return new LeaseManager(options);
}

/** Leases loaded between two yields to the event loop while restoring. */
const RESTORE_CHUNK = 100;

class LeaseManager implements ExpirationManager {
  private readonly storage: Storage;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly scheduler: Scheduler;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly expiryDutyCycle: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly pageSize: number;
  private revokeTokenHook?: (tokenKey: string) => Promise<void>;
  private tokenExistsHook?: (tokenKey: string) => Promise<boolean>;

  /** Every lease known in memory → its expiry (ms, 0 = never). */
  private readonly expiry = new Map<string, number>();
  /** Leases whose revocation failed → when to try again. */
  private readonly retryAt = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  /** Why the last revocation of a lease failed (while it is retried), so lookups can show it. */
  private readonly revokeErrors = new Map<string, string>();
  private readonly irrevocable = new Set<string>();
  private readonly heap = new ExpiryHeap();
  private readonly inflight = new Map<string, Promise<void>>();

  private timer: unknown = undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private processing: Promise<number> | undefined;
  private restoring: Promise<void> | undefined;
  /** True once every stored lease is in memory: a lease missing from memory then does not exist. */
  private complete = false;
  private stopped = false;
  /** Bumped by stop() so that a restore still streaming knows to give up. */
  private generation = 0;
  private tidying: Promise<{ scanned: number; revoked: number }> | undefined;

  constructor(private readonly options: ExpirationManagerOptions) {
    this.storage = options.storage;
    this.logger = options.logger.child({ subsystem: 'expiration' });
    this.now = options.now ?? Date.now;
    this.scheduler = options.scheduler ?? realScheduler;
    this.concurrency = options.revokeConcurrency ?? 16;
    this.batchSize = options.batchSize ?? 500;
    this.expiryDutyCycle = Math.min(1, Math.max(0.05, options.expiryDutyCycle ?? 0.25));
    this.maxAttempts = options.maxRevokeAttempts ?? 6;
    this.retryBaseMs = options.retryBaseMs ?? 10_000;
    this.pageSize = options.pageSize ?? 1000;
    this.revokeTokenHook = options.revokeToken;
    this.tokenExistsHook = options.tokenExists;
  }

  attachTokenStore(hooks: { revokeToken: (tokenKey: string) => Promise<void>; tokenExists: (tokenKey: string) => Promise<boolean> }): void {
    this.revokeTokenHook ??= hooks.revokeToken;
    this.tokenExistsHook ??= hooks.tokenExists;
  }

  // ---- registration ------------------------------------------------------

  async registerSecret(input: RegisterSecretInput): Promise<{ leaseId: string; ttl: number; renewable: boolean }> {
    const secret = input.response.secret;
    if (!secret) throw new CofferError('internal', 'cannot register a lease for a response without a secret');
    if (secret.ttl < 0) throw new CofferError('invalid_request', 'ttl cannot be negative');
    if (input.path.includes('..')) throw new CofferError('invalid_request', 'path cannot contain parent references');

    const now = this.now();
    const mount = input.mountDefaults;
    let ttl = secret.ttl > 0 ? secret.ttl : mount.defaultTtl;
    const maxTtl = secret.maxTtl > 0 && (mount.maxTtl <= 0 || secret.maxTtl < mount.maxTtl) ? secret.maxTtl : mount.maxTtl;
    if (maxTtl > 0 && ttl > maxTtl) ttl = maxTtl;
    let expireTime = now + ttl * 1000;
    // A batch token's secrets die with it.
    const cap = input.owner.tokenType === 'batch' ? (input.owner.tokenExpireTime ?? 0) : 0;
    if (cap > 0 && expireTime > cap) {
      expireTime = cap;
      ttl = Math.max(0, Math.round((cap - now) / 1000));
    }

    const leaseId = posix.join(input.path, base62Random(24));
    const le: LeaseEntry = {
      leaseId,
      tokenKey: input.owner.tokenKey,
      tokenType: input.owner.tokenType,
      tokenExpireTime: cap,
      path: input.path,
      data: input.response.data,
      // The stored copy carries the issue time too: renewals hand it back to the backend.
      secret: { ...secret, leaseId, ttl, issueTime: formatTime(now) },
      issueTime: now,
      expireTime,
      lastRenewalTime: 0,
      mountTtls: { ...mount },
    };
    await this.persist(le);
    try {
      if (le.tokenKey) await this.storage.put({ key: this.indexKey(le.tokenKey, leaseId), value: Buffer.from(leaseId, 'utf8') });
    } catch (err) {
      await this.storage.delete(ID_PREFIX + leaseId).catch(() => undefined);
      throw err;
    }
    this.track(le);

    secret.leaseId = leaseId;
    secret.ttl = ttl;
    secret.issueTime = formatTime(now);
    return { leaseId, ttl, renewable: secret.renewable };
  }

  async registerAuth(input: RegisterAuthInput): Promise<string> {
    const { auth } = input;
    if (auth.tokenType === 'batch') throw new CofferError('internal', 'cannot register a lease for a batch token');
    if (!input.tokenKey) throw new CofferError('internal', 'cannot register an auth lease with an empty token');
    if (auth.ttl === 0 && !(auth.policies.length === 1 && auth.policies[0] === 'root')) {
      throw new CofferError('internal', 'refusing to register a lease for a non-root token with no TTL');
    }
    if (input.path.includes('..')) throw new CofferError('invalid_request', 'path cannot contain parent references');
    const now = this.now();
    const leaseId = posix.join(input.path, input.tokenKey);
    const le: LeaseEntry = {
      leaseId,
      tokenKey: input.tokenKey,
      tokenType: 'service',
      tokenExpireTime: 0,
      path: input.path,
      auth: { ...auth, clientToken: undefined },
      issueTime: now,
      expireTime: auth.ttl > 0 ? now + auth.ttl * 1000 : 0,
      lastRenewalTime: 0,
      mountTtls: { ...input.mountDefaults },
    };
    await this.persist(le);
    this.track(le);
    return leaseId;
  }

  // ---- renewal -----------------------------------------------------------

  async renew(leaseId: string, increment: number): Promise<Response | null> {
    const le = await this.load(leaseId);
    const now = this.now();
    assertRenewable(le, now);
    if (!le.secret) {
      if (le.auth) throw new CofferError('invalid_request', 'tokens cannot be renewed through this endpoint');
      throw new CofferError('invalid_request', 'lease does not correspond to a secret');
    }

    const resp = await this.options.renewSecret(le, increment);
    if (!resp) return null;
    if (!resp.secret) throw new CofferError('internal', 'renewal failed: no secret');

    // The backend decides the TTL; the lease's max TTL, counted from issue, caps it.
    const mount = await this.mountTtlsFor(le);
    const backendMax = resp.secret.maxTtl > 0 ? resp.secret.maxTtl : le.secret.maxTtl;
    const { ttl: capped, warnings } = calculateTtl({
      now,
      increment: resp.secret.ttl > 0 ? 0 : increment,
      backendTtl: resp.secret.ttl,
      period: 0,
      backendMaxTtl: backendMax,
      explicitMaxTtl: 0,
      startTime: le.issueTime,
      mount,
    });
    let ttl = capped;
    let expireTime = now + ttl * 1000;
    if (le.tokenType === 'batch' && le.tokenExpireTime > 0 && expireTime > le.tokenExpireTime) {
      expireTime = le.tokenExpireTime;
      ttl = Math.max(0, Math.round((expireTime - now) / 1000));
    }

    le.secret = { ...resp.secret, leaseId, ttl };
    if (resp.data !== undefined) le.data = resp.data;
    le.expireTime = expireTime;
    le.lastRenewalTime = now;
    await this.persist(le);
    this.track(le);
    return { ...resp, secret: le.secret, warnings: [...(resp.warnings ?? []), ...warnings] };
  }

  async renewAuthLease(leaseId: string, increment: number, localRenew?: (auth: Auth) => Promise<Auth>, connection?: Connection): Promise<{ auth: Auth; warnings: string[] } | null> {
    const le = await this.load(leaseId);
    if (!le) throw new CofferError('invalid_request', 'invalid lease ID');
    const now = this.now();
    assertRenewable(le, now);
    if (!le.auth) throw new CofferError('invalid_request', 'lease does not correspond to a token');

    let auth: Auth;
    if (localRenew && le.path.startsWith('auth/token/')) {
      auth = await localRenew({ ...le.auth });
    } else if (this.options.renewAuth) {
      const resp = await this.options.renewAuth(le, increment, connection);
      if (!resp?.auth) return null;
      auth = resp.auth;
    } else {
      auth = { ...le.auth };
    }

    const mount = await this.mountTtlsFor(le);
    const { ttl, warnings } = calculateTtl({
      now,
      increment,
      backendTtl: auth.ttl,
      period: auth.period ?? 0,
      backendMaxTtl: auth.maxTtl,
      explicitMaxTtl: auth.explicitMaxTtl ?? 0,
      startTime: le.issueTime,
      mount,
    });
    auth = { ...auth, ttl, clientToken: undefined };
    le.auth = auth;
    le.expireTime = now + ttl * 1000;
    le.lastRenewalTime = now;
    await this.persist(le);
    this.track(le);
    return { auth: { ...auth }, warnings };
  }

  // ---- revocation --------------------------------------------------------

  revoke(leaseId: string, opts: { force?: boolean } = {}): Promise<void> {
    return this.revokeInternal(leaseId, opts.force ?? false, false);
  }

  async expireNow(leaseId: string): Promise<void> {
    // Being revoked right now: writing it back could resurrect a lease that is about to vanish.
    if (this.inflight.has(leaseId)) return;
    const le = await this.load(leaseId);
    if (!le) return;
    const now = this.now();
    if (le.expireTime !== 0 && le.expireTime <= now && this.expiry.get(leaseId) === le.expireTime) return;
    le.expireTime = now;
    await this.persist(le);
    this.retryAt.delete(leaseId);
    this.track(le);
  }

  async revokePrefix(prefix: string, opts: { force?: boolean; sync?: boolean } = {}): Promise<void> {
    const force = opts.force ?? false;
    const sync = opts.sync ?? true;
    if (!prefix.endsWith('/')) {
      // Without a trailing slash the prefix may name one lease exactly.
      if (await this.storage.get(ID_PREFIX + prefix)) {
        if (sync) await this.revokeInternal(prefix, force, false);
        else await this.expireNow(prefix);
        return;
      }
      prefix += '/';
    }
    let chunk: string[] = [];
    const flush = async (): Promise<void> => {
      const ids = chunk;
      chunk = [];
      let failure: { id: string; err: unknown } | undefined;
      await runPool(ids, this.concurrency, async (id) => {
        try {
          if (sync) await this.revokeInternal(id, force, false);
          else await this.expireNow(id);
        } catch (err) {
          failure ??= { id, err };
        }
      });
      if (failure) {
        throw new CofferError(codeOf(failure.err), `failed to revoke "${failure.id}": ${messageOf(failure.err)}`);
      }
    };
    for await (const id of this.walk(prefix)) {
      chunk.push(id);
      if (chunk.length >= this.batchSize) await flush();
    }
    await flush();
  }

  async revokeByToken(tokenKey: string, opts: { tokenLeaseId?: string } = {}): Promise<void> {
    const indexPrefix = `${TOKEN_INDEX_PREFIX}${tokenKey}/`;
    let after = '';
    for (;;) {
      const page = await this.storage.listPage(indexPrefix, after, this.pageSize);
      await runPool(page, this.concurrency, async (child) => {
        if (child.endsWith('/')) return;
        const entry = await this.storage.get(indexPrefix + child);
        if (!entry) return;
        const leaseId = entry.value.toString('utf8');
        if (await this.storage.get(ID_PREFIX + leaseId)) await this.expireNow(leaseId);
        else await this.storage.delete(indexPrefix + child); // dangling index entry
      });
      if (page.length < this.pageSize) break;
      after = page[page.length - 1]!;
    }
    // The token store is revoking the token right now: only its lease record must go.
    if (opts.tokenLeaseId) await this.removeRecordById(opts.tokenLeaseId);
    this.armTimer();
  }

  private revokeInternal(leaseId: string, force: boolean, skipToken: boolean): Promise<void> {
    const running = this.inflight.get(leaseId);
    if (running) return running;
    const work = (async () => {
      const le = await this.load(leaseId);
      if (!le) {
        this.untrack(leaseId);
        return;
      }
      if (!skipToken) {
        try {
          if (le.auth) {
            if (le.tokenType === 'batch') throw new CofferError('invalid_request', 'batch tokens cannot be revoked');
            if (!this.revokeTokenHook) throw new CofferError('internal', 'no token store is attached to the expiration manager');
            await this.revokeTokenHook(le.tokenKey);
          } else {
            await this.options.revokeSecret(le);
          }
        } catch (err) {
          if (!force) throw new CofferError(codeOf(err), `failed to revoke entry: ${messageOf(err)}`, { cause: err });
          this.logger.warn({ lease_id: leaseId, err: messageOf(err) }, 'revocation failed; removing the lease anyway (force)');
        }
      }
      await this.removeRecord(le);
    })().finally(() => this.inflight.delete(leaseId));
    this.inflight.set(leaseId, work);
    return work;
  }

  private async removeRecordById(leaseId: string): Promise<void> {
    const le = await this.load(leaseId);
    if (le) await this.removeRecord(le);
    else this.untrack(leaseId);
  }

  private async removeRecord(le: LeaseEntry): Promise<void> {
    await this.storage.delete(ID_PREFIX + le.leaseId);
    if (le.tokenKey && le.secret) await this.storage.delete(this.indexKey(le.tokenKey, le.leaseId));
    this.untrack(le.leaseId);
  }

  // ---- lookups -----------------------------------------------------------

  async lookup(leaseId: string): Promise<LeaseLookup | null> {
    const le = await this.load(leaseId);
    if (!le) return null;
    const now = this.now();
    return {
      id: leaseId,
      issue_time: formatTime(le.issueTime),
      expire_time: le.expireTime ? formatTime(le.expireTime) : null,
      last_renewal: le.lastRenewalTime ? formatTime(le.lastRenewalTime) : null,
      renewable: checkRenewable(le, now).renewable,
      ttl: le.expireTime ? remainingTtl(le, now) : 0,
      ...this.revocationFields(le),
    };
  }

  private revocationFields(le: LeaseEntry): Partial<LeaseLookup> {
    if (le.revokeErr) return { irrevocable: true, last_revocation_error: le.revokeErr };
    const state = this.revocationState(le.leaseId);
    if (!state) return {};
    return {
      revocation_attempts: state.attempts,
      ...(state.nextAttempt !== undefined ? { next_revocation_attempt: formatTime(state.nextAttempt) } : {}),
      last_revocation_error: state.lastError,
    };
  }

  async leaseTimes(leaseId: string): Promise<LeaseTimes | null> {
    const le = await this.load(leaseId);
    if (!le) return null;
    return {
      issueTime: le.issueTime,
      expireTime: le.expireTime,
      lastRenewalTime: le.lastRenewalTime,
      renewable: checkRenewable(le, this.now()).renewable,
    };
  }

  async expireTimeOf(leaseId: string): Promise<number | null> {
    const known = this.expiry.get(leaseId);
    if (known !== undefined) return known;
    if (this.complete) return null;
    const le = await this.load(leaseId);
    return le ? le.expireTime : null;
  }

  get(leaseId: string): Promise<LeaseEntry | null> {
    return this.load(leaseId);
  }

  async listByPrefix(prefix: string, page: { after?: string; limit?: number } = {}): Promise<string[]> {
    if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
    return this.storage.listPage(ID_PREFIX + prefix, page.after ?? '', page.limit ?? 0);
  }

  count(): number {
    return this.expiry.size;
  }

  revocationState(leaseId: string): RevocationState | undefined {
    if (this.irrevocable.has(leaseId)) return { attempts: this.maxAttempts, lastError: this.revokeErrors.get(leaseId) ?? '', irrevocable: true };
    const attempts = this.attempts.get(leaseId);
    if (attempts === undefined) return undefined;
    return { attempts, nextAttempt: this.retryAt.get(leaseId), lastError: this.revokeErrors.get(leaseId) ?? '', irrevocable: false };
  }

  async irrevocableLeases(): Promise<IrrevocableLease[]> {
    const out: IrrevocableLease[] = [];
    for (const leaseId of [...this.irrevocable].sort()) {
      const le = await this.load(leaseId);
      if (le?.revokeErr) out.push({ leaseId, error: le.revokeErr, expireTime: le.expireTime });
    }
    return out;
  }

  timersArmed(): number {
    return this.timer === undefined ? 0 : 1;
  }

  // ---- tidy, restore, stop ----------------------------------------------

  tidy(): Promise<{ scanned: number; revoked: number }> {
    this.tidying ??= this.runTidy().finally(() => {
      this.tidying = undefined;
    });
    return this.tidying;
  }

  private async runTidy(): Promise<{ scanned: number; revoked: number }> {
    const exists = this.tokenExistsHook;
    if (!exists) throw new CofferError('internal', 'no token store is attached to the expiration manager');
    const valid = new Map<string, boolean>();
    let scanned = 0;
    let revoked = 0;
    let chunk: string[] = [];
    const flush = async (): Promise<void> => {
      const ids = chunk;
      chunk = [];
      await runPool(ids, this.concurrency, async (id) => {
        const le = await this.load(id);
        // An orphan batch token's secrets have no token to check; they expire with it.
        if (!le || !le.tokenKey) return;
        let ok = valid.get(le.tokenKey);
        if (ok === undefined) {
          ok = await exists(le.tokenKey);
          valid.set(le.tokenKey, ok);
        }
        if (ok) return;
        // The token is gone: drop the lease without going back to the token store.
        await this.revokeInternal(id, true, le.auth !== undefined);
        revoked++;
      });
    };
    for await (const id of this.walk('')) {
      scanned++;
      chunk.push(id);
      if (chunk.length >= this.batchSize) await flush();
    }
    await flush();
    this.logger.info({ scanned, revoked }, 'lease tidy finished');
    return { scanned, revoked };
  }

  restore(): Promise<void> {
    if (this.restoring) return this.restoring;
    this.stopped = false;
    const generation = this.generation;
    this.restoring = this.runRestore(generation).finally(() => {
      this.restoring = undefined;
    });
    return this.restoring;
  }

  private async runRestore(generation: number): Promise<void> {
    let loaded = 0;
    let page: string[] = [];
    const flush = async (): Promise<void> => {
      const ids = page;
      page = [];
      await runPool(ids, 32, async (id) => {
        if (this.expiry.has(id)) return;
        const le = await this.load(id);
        if (le && generation === this.generation) {
          this.track(le);
          loaded++;
        }
      });
      // Leases that expired while sealed start revoking while the rest still loads.
      this.armTimer();
      // Loading is CPU work on promises that are already resolved: without a real yield per page,
      // incoming requests would wait for the whole restore.
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    for await (const id of this.walk('')) {
      if (generation !== this.generation) return;
      page.push(id);
      // Small chunks: each ends with a yield, so a request waits for at most one chunk's CPU time.
      if (page.length >= RESTORE_CHUNK) await flush();
    }
    await flush();
    if (generation !== this.generation) return;
    this.complete = true;
    this.logger.info({ leases: loaded }, 'leases restored');
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.complete = false;
    this.clearTimer();
    this.expiry.clear();
    this.retryAt.clear();
    this.attempts.clear();
    this.revokeErrors.clear();
    this.irrevocable.clear();
    this.heap.clear();
  }

  // ---- the one timer -----------------------------------------------------

  async processDue(): Promise<number> {
    while (this.processing) await this.processing.catch(() => undefined);
    this.processing = this.runDue();
    try {
      return await this.processing;
    } finally {
      this.processing = undefined;
      this.armTimer();
    }
  }

  private async runDue(): Promise<number> {
    let handled = 0;
    for (;;) {
      if (this.stopped) break;
      // Small batches (a 25th of batchSize) so that each pause follows little work.
      const due = this.popDue(Math.max(1, Math.ceil(this.batchSize / 25)));
      if (due.length === 0) break;
      const started = performance.now();
      await runPool(due, this.concurrency, (id) => this.expireOne(id));
      handled += due.length;
      const pauseMs = (performance.now() - started) * (1 / this.expiryDutyCycle - 1);
      // A real pause (not the injected scheduler): it paces CPU time, not lease time.
      if (pauseMs >= 1) await new Promise<void>((resolve) => setTimeout(resolve, pauseMs));
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return handled;
  }

  private popDue(max: number): string[] {
    const now = this.now();
    const out: string[] = [];
    const seen = new Set<string>();
    while (out.length < max) {
      const top = this.heap.peek();
      if (!top || top.at > now) break;
      this.heap.pop();
      if (!this.isCurrent(top.id, top.at) || seen.has(top.id)) continue;
      seen.add(top.id);
      out.push(top.id);
    }
    return out;
  }

  private async expireOne(leaseId: string): Promise<void> {
    try {
      await this.revokeInternal(leaseId, false, false);
      this.attempts.delete(leaseId);
      this.retryAt.delete(leaseId);
    } catch (err) {
      const attempt = (this.attempts.get(leaseId) ?? 0) + 1;
      if (attempt >= this.maxAttempts) {
        await this.markIrrevocable(leaseId, err).catch((e: unknown) => this.logger.error({ lease_id: leaseId, err: messageOf(e) }, 'failed to record an irrevocable lease'));
        return;
      }
      this.attempts.set(leaseId, attempt);
      this.revokeErrors.set(leaseId, messageOf(err));
      const at = this.now() + this.retryBaseMs * 2 ** (attempt - 1);
      this.retryAt.set(leaseId, at);
      this.heap.push(leaseId, at);
      this.logger.warn({ lease_id: leaseId, attempt, err: messageOf(err) }, 'lease revocation failed; will retry');
    }
  }

  private async markIrrevocable(leaseId: string, err: unknown): Promise<void> {
    this.attempts.delete(leaseId);
    this.revokeErrors.delete(leaseId);
    this.retryAt.delete(leaseId);
    const le = await this.load(leaseId);
    if (!le) {
      this.untrack(leaseId);
      return;
    }
    le.revokeErr = messageOf(err);
    await this.persist(le);
    this.irrevocable.add(leaseId);
    this.logger.error({ lease_id: leaseId, err: le.revokeErr }, 'lease is irrevocable after repeated failures; use revoke-force to remove it');
  }

  private isCurrent(id: string, at: number): boolean {
    if (this.irrevocable.has(id)) return false;
    const want = this.retryAt.get(id) ?? this.expiry.get(id);
    return want === at;
  }

  private armTimer(): void {
    if (this.stopped) return;
    let top = this.heap.peek();
    while (top && !this.isCurrent(top.id, top.at)) {
      this.heap.pop();
      top = this.heap.peek();
    }
    if (!top) {
      this.clearTimer();
      return;
    }
    // An armed timer that fires no later than the new head re-arms itself when it fires.
    if (this.timer !== undefined && this.timerAt <= top.at) return;
    this.clearTimer();
    const now = this.now();
    const delay = Math.min(Math.max(0, top.at - now), MAX_TIMER_DELAY_MS);
    this.timerAt = now + delay;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.processDue().catch((err: unknown) => this.logger.error({ err: messageOf(err) }, 'expiring leases failed'));
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  // ---- in-memory bookkeeping and storage -------------------------------

  private track(le: LeaseEntry): void {
    this.expiry.set(le.leaseId, le.expireTime);
    if (le.revokeErr) {
      this.irrevocable.add(le.leaseId);
      return;
    }
    this.irrevocable.delete(le.leaseId);
    if (le.expireTime <= 0 || this.retryAt.has(le.leaseId)) return;
    this.heap.push(le.leaseId, le.expireTime);
    this.compactIfNeeded();
    if (le.expireTime < this.timerAt) this.armTimer();
  }

  private untrack(leaseId: string): void {
    this.revokeErrors.delete(leaseId);
    this.expiry.delete(leaseId);
    this.retryAt.delete(leaseId);
    this.attempts.delete(leaseId);
    this.irrevocable.delete(leaseId);
  }

  /** Renewals leave stale heap entries behind; rebuild once they outnumber the live ones. */
  private compactIfNeeded(): void {
    if (this.heap.size <= 2 * this.expiry.size + 10_000) return;
    const live: [string, number][] = [];
    for (const [id, at] of this.expiry) {
      if (this.irrevocable.has(id)) continue;
      const when = this.retryAt.get(id) ?? at;
      if (when > 0) live.push([id, when]);
    }
    this.heap.rebuild(live);
  }

  private async mountTtlsFor(le: LeaseEntry): Promise<MountTtls> {
    const live = this.options.mountTtls ? await this.options.mountTtls(le.path) : null;
    return live ?? le.mountTtls;
  }

  private indexKey(tokenKey: string, leaseId: string): string {
    const leaseHash = createHash('sha256').update(leaseId).digest('base64url');
    return `${TOKEN_INDEX_PREFIX}${tokenKey}/${leaseHash}`;
  }

  private async load(leaseId: string): Promise<LeaseEntry | null> {
    if (!leaseId || leaseId.includes('..')) return null;
    const entry = await this.storage.get(ID_PREFIX + leaseId);
    return entry ? decodeLease(entry.value) : null;
  }

  private persist(le: LeaseEntry): Promise<void> {
    return this.storage.put({ key: ID_PREFIX + le.leaseId, value: encodeLease(le) });
  }

  /** Every lease id under a prefix, streamed page by page (memory stays flat for a million leases). */
  private async *walk(prefix: string): AsyncGenerator<string> {
    let after = '';
    for (;;) {
      const page = await this.storage.listPage(ID_PREFIX + prefix, after, this.pageSize);
      for (const child of page) {
        if (child.endsWith('/')) yield* this.walk(prefix + child);
        else yield prefix + child;
      }
      if (page.length < this.pageSize) return;
      after = page[page.length - 1]!;
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function codeOf(err: unknown): CofferError['code'] {
  return isCofferError(err) ? err.code : 'invalid_request';
}
