import { CofferError, KeyedMutex, getJson, putJson, type Auth, type Connection, type Logger, type Storage } from '@coffer/sdk';
import type { ExpirationManager, LeaseOwner } from '../expiration/manager.js';
import { calculateTtl, type MountTtls } from '../expiration/ttl.js';
import { decodeBatchToken, encodeBatchToken, type BlobCipher } from './batch-token.js';
import { cidrsAllow, parseCidrs } from './cidr.js';
import { planToken, type CreateTokenParams, type TokenPlan } from './create-plan.js';
import { TokenEntryCache } from './entry-cache.js';
import { batchLeaseTimes, tokenLookupData } from './lookup-data.js';
import { sanitizePolicies } from './policies.js';
import { normalizeRole, type TokenRole } from './role.js';
import { TokenSalt } from './salt.js';
import { ttlBucket } from './ttl-bucket.js';
import { silentMetrics, type MetricsSink } from '../metrics/sink.js';
import { decodeToken, encodeToken, isRootToken, REVOCATION_PENDING, tokenLeaseId, type TokenEntry } from './token-entry.js';
import { isBatchTokenId, newAccessor, newCubbyholeId, newServiceTokenId, validateCustomTokenId } from './token-id.js';

const ID_PREFIX = 'id/';
const ACCESSOR_PREFIX = 'accessor/';
const PARENT_PREFIX = 'parent/';
const ROLES_PREFIX = 'roles/';
const PAGE = 1000;

/** Vault's default for the token store mount: 32 days. */
const DEFAULT_TOKEN_TTLS: MountTtls = { defaultTtl: 768 * 3600, maxTtl: 768 * 3600 };

export interface TokenStoreOptions {
  /** A barrier view reserved for tokens, e.g. `sys/token/`. */
  storage: Storage;
  expiration: ExpirationManager;
  /** The barrier's keyring, for batch tokens. Without it, batch tokens cannot be created. */
  blobCipher?: BlobCipher;
  logger: Logger;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** TTL limits of the auth/token/ mount after tuning (default 32 days / 32 days). */
  ttlDefaults?: () => MountTtls | Promise<MountTtls>;
  /** Whether a policy exists; used only to warn on create as Vault does. */
  policyExists?: (name: string) => Promise<boolean>;
  /** Called while a token is revoked, before its entry disappears (destroy its cubbyhole). */
  onRevoke?: (entry: TokenEntry) => Promise<void>;
  /** vault.token.lookup and vault.token.create timers, vault.token.creation counter. */
  metrics?: MetricsSink;
  /** The policies a token's entity and its groups add (shown as identity_policies by lookups). */
  identityPolicies?: (entityId: string) => string[];
  /** The id of the entity with this alias on the token mount (found or created), for entity_alias. */
  entityForAlias?: (aliasName: string) => Promise<string>;
}

export interface CreatedToken {
  entry: TokenEntry;
  /** The auth block of the response (clientToken, accessor, ttl, ... filled in). */
  auth: Auth;
  warnings: string[];
}

export interface LoginTokenInput {
  /** What the auth method returned. */
  auth: Auth;
  /** Full login path, e.g. "auth/userpass/login/bob": becomes the token's path and lease prefix. */
  path: string;
  /** The auth mount's TTL limits. */
  mountDefaults: MountTtls;
  /** The auth mount's token_type tuning ("default-service", "default-batch", "service", "batch"). */
  mountTokenType?: string;
  /** The auth method's type and mount ("userpass", "auth/userpass/"), for vault.token.creation. */
  authMethod?: string;
  mountPoint?: string;
}

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const store = new TokenStore(options);
  options.expiration.attachTokenStore({
    revokeToken: (key) => store.revokeTreeByKey(key),
    tokenExists: async (key) => (await store.lookupByKey(key, { raw: true })) !== null,
  });
  return store;
}

/** Tokens, their accessors, parent/child tree and roles. Create with createTokenStore(). */
export class TokenStore {
  private readonly storage: Storage;
  private readonly expiration: ExpirationManager;
  private readonly salt: TokenSalt;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly metrics: MetricsSink;
  private readonly locks = new KeyedMutex();
  private readonly revoking = new Map<string, Promise<void>>();
  /** Parsed entries, so a request does not decrypt and parse its token's entry each time (see entry-cache.ts). */
  private readonly entries = new TokenEntryCache();

  constructor(private readonly options: TokenStoreOptions) {
    this.storage = options.storage;
    this.expiration = options.expiration;
    this.salt = new TokenSalt(options.storage);
    this.logger = options.logger.child({ subsystem: 'token' });
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? silentMetrics;
  }

  /** The salted id a raw token (or accessor) is stored under. */
  saltId(id: string): Promise<string> {
    return this.salt.saltId(id);
  }

  async ttlDefaults(): Promise<MountTtls> {
    return (await this.options.ttlDefaults?.()) ?? DEFAULT_TOKEN_TTLS;
  }

  // ---- creation ------------------------------------------------------------

  /** A root token (init, generate-root, dev mode). `id` fixes the token, as -dev-root-token-id does. */
  async createRootToken(opts: { id?: string } = {}): Promise<TokenEntry> {
    const draft: TokenPlan['draft'] = {
      parent: '',
      policies: ['root'],
      path: 'auth/token/root',
      meta: null,
      displayName: 'root',
      numUses: 0,
      creationTime: Math.floor(this.now() / 1000),
      ttl: 0,
      explicitMaxTtl: 0,
      period: 0,
      boundCidrs: [],
      type: 'service',
      entityId: '',
      role: '',
    };
    // Like Vault's init, a root token gets no lease: it never expires and cannot be renewed.
    return this.persistServiceToken(draft, opts.id, null);
  }

  /**
   * auth/token/create, create-orphan and create/:role. `parent` is the
   * calling token (null → Vault's "no parent found" error).
   */
  async create(parent: TokenEntry | null, params: CreateTokenParams): Promise<CreatedToken> {
    let role: TokenRole | null = null;
    if (params.roleName !== undefined) {
      role = await this.readRole(params.roleName);
      if (!role) throw new CofferError('invalid_request', `unknown role ${params.roleName}`);
    }
    const mount = await this.ttlDefaults();
    const plan = planToken(parent, params, role, mount, this.now());
    const started = performance.now();
    // entity_alias (checked against the role by planToken): the token belongs to the entity with that alias on auth/token/.
    if (params.entityAlias && this.options.entityForAlias) plan.draft.entityId = await this.options.entityForAlias(params.entityAlias);
    const entry = await this.persistPlan(plan, mount);
    this.countCreation(entry, 'token', 'auth/token/', started);
    const auth = this.authFor(entry, plan.renewable, plan.period, plan.explicitMaxTtl);
    const warnings = [...plan.warnings];
    if (this.options.policyExists) {
      for (const p of entry.policies) {
        if (p !== 'root' && !(await this.options.policyExists(p))) warnings.push(`Policy "${p}" does not exist`);
      }
    }
    return { entry, auth, warnings };
  }

  /** Turn an auth method's login answer into a token and register its lease. */
  async createFromAuth(input: LoginTokenInput): Promise<CreatedToken> {
    const { auth } = input;
    if (auth.policies.map((p) => p.trim().toLowerCase()).includes('root')) {
      throw new CofferError('invalid_request', 'auth methods cannot create root tokens');
    }
    const started = performance.now();
    const type = resolveLoginTokenType(auth.tokenType, input.mountTokenType);
    const policies = sanitizePolicies(auth.policies, !auth.noDefaultPolicy);
    const period = type === 'batch' ? 0 : (auth.period ?? 0);
    const explicitMaxTtl = type === 'batch' ? 0 : (auth.explicitMaxTtl ?? 0);
    const now = this.now();
    const { ttl, warnings } = calculateTtl({
      now,
      increment: 0,
      backendTtl: auth.ttl,
      period,
      backendMaxTtl: auth.maxTtl,
      explicitMaxTtl,
      mount: input.mountDefaults,
      startTime: now,
    });
    const renewable = type === 'batch' ? false : auth.renewable;
    const draft: TokenPlan['draft'] = {
      parent: '',
      policies,
      path: input.path,
      meta: auth.metadata && Object.keys(auth.metadata).length > 0 ? { ...auth.metadata } : null,
      displayName: auth.displayName,
      numUses: type === 'batch' ? 0 : (auth.numUses ?? 0),
      creationTime: Math.floor(now / 1000),
      ttl,
      explicitMaxTtl,
      period,
      boundCidrs: parseCidrs(auth.boundCidrs ?? []),
      type,
      entityId: auth.entityId ?? '',
      role: '',
    };
    const leaseAuth: Auth = { ...auth, policies, tokenPolicies: policies, ttl, renewable, period, explicitMaxTtl, tokenType: type };
    const entry = type === 'batch'
      ? { ...draft, id: encodeBatchToken(this.options.blobCipher, draft), key: '', accessor: '', cubbyholeId: '' }
      : await this.persistServiceToken(draft, undefined, { auth: leaseAuth, mount: input.mountDefaults });
    this.countCreation(entry, input.authMethod ?? '', input.mountPoint ?? '', started);
    return { entry, auth: { ...leaseAuth, ...this.authFor(entry, renewable, period, explicitMaxTtl), internalData: auth.internalData }, warnings };
  }

  /** vault.token.create (how long storing it took) and vault.token.creation, with Vault's labels. */
  private countCreation(entry: TokenEntry, authMethod: string, mountPoint: string, startedMs: number): void {
    this.metrics.measure('vault.token.create', performance.now() - startedMs);
    this.metrics.incrCounter('vault.token.creation', { auth_method: authMethod, mount_point: mountPoint, creation_ttl: ttlBucket(entry.ttl), token_type: entry.type });
  }

  /** A single-use, non-renewable orphan token with the response-wrapping policy. */
  async createWrappingToken(input: { ttl: number; creationPath: string }): Promise<TokenEntry> {
    const draft: TokenPlan['draft'] = {
      parent: '',
      policies: ['response-wrapping'],
      path: input.creationPath,
      meta: null,
      displayName: '',
      numUses: 1,
      creationTime: Math.floor(this.now() / 1000),
      ttl: input.ttl,
      explicitMaxTtl: input.ttl,
      period: 0,
      boundCidrs: [],
      type: 'service',
      entityId: '',
      role: '',
    };
    const auth: Auth = {
      policies: draft.policies,
      metadata: {},
      displayName: '',
      ttl: input.ttl,
      maxTtl: 0,
      renewable: false,
      explicitMaxTtl: input.ttl,
      numUses: 1,
      tokenType: 'service',
    };
    return this.persistServiceToken(draft, undefined, { auth, mount: await this.ttlDefaults() });
  }

  private async persistPlan(plan: TokenPlan, mount: MountTtls): Promise<TokenEntry> {
    const { draft } = plan;
    if (draft.type === 'batch') {
      return { ...draft, id: encodeBatchToken(this.options.blobCipher, draft), key: '', accessor: '', cubbyholeId: '' };
    }
    const auth: Auth = {
      policies: draft.policies,
      tokenPolicies: draft.policies,
      metadata: draft.meta ?? {},
      displayName: draft.displayName,
      ttl: draft.ttl,
      maxTtl: 0,
      renewable: plan.renewable,
      period: plan.period,
      explicitMaxTtl: plan.explicitMaxTtl,
      numUses: draft.numUses,
      entityId: draft.entityId,
      tokenType: 'service',
      orphan: draft.parent === '',
    };
    return this.persistServiceToken(draft, plan.customId, { auth, mount });
  }

  /**
   * Store a service token: parent index first (a dangling index is
   * harmless, a child missing from it would escape its parent's
   * revocation), then accessor, lease, and the entry last.
   */
  private async persistServiceToken(draft: TokenPlan['draft'], customId: string | undefined, lease: { auth: Auth; mount: MountTtls } | null): Promise<TokenEntry> {
    let id: string;
    if (customId !== undefined) {
      validateCustomTokenId(customId);
      id = customId;
    } else {
      id = newServiceTokenId(isRootToken(draft));
    }
    const key = await this.salt.saltId(id);
    if (customId !== undefined && (await this.storage.get(ID_PREFIX + key))) {
      throw new CofferError('invalid_request', 'cannot create a token with a duplicate ID');
    }
    const entry: TokenEntry = { ...draft, id, key, accessor: newAccessor(), cubbyholeId: newCubbyholeId() };
    const undo: (() => Promise<void>)[] = [];
    try {
      if (entry.parent) {
        if (!(await this.lookupByKey(entry.parent))) throw new CofferError('invalid_request', 'parent token not found');
        const parentIndex = `${PARENT_PREFIX}${entry.parent}/${key}`;
        await this.storage.put({ key: parentIndex, value: Buffer.alloc(0) });
        undo.push(() => this.storage.delete(parentIndex));
      }
      const accessorKey = ACCESSOR_PREFIX + (await this.salt.saltId(entry.accessor));
      await putJson(this.storage, accessorKey, { token_key: key, accessor_id: entry.accessor });
      undo.push(() => this.storage.delete(accessorKey));
      if (lease) {
        const leaseId = await this.expiration.registerAuth({
          path: entry.path,
          tokenKey: key,
          auth: { ...lease.auth, accessor: entry.accessor },
          mountDefaults: lease.mount,
        });
        undo.push(() => this.expiration.revokeByToken(key, { tokenLeaseId: leaseId }));
      }
      await this.put(entry);
    } catch (err) {
      for (const step of undo.reverse()) await step().catch(() => undefined);
      throw err;
    }
    return entry;
  }

  private authFor(entry: TokenEntry, renewable: boolean, period: number, explicitMaxTtl: number): Auth {
    return {
      policies: entry.policies,
      tokenPolicies: entry.policies,
      metadata: entry.meta ?? {},
      displayName: entry.displayName,
      ttl: entry.ttl,
      maxTtl: 0,
      renewable,
      period,
      explicitMaxTtl,
      numUses: entry.numUses,
      clientToken: entry.id,
      accessor: entry.accessor,
      entityId: entry.entityId,
      tokenType: entry.type,
      orphan: entry.parent === '',
    };
  }

  // ---- lookup and use ------------------------------------------------------

  /**
   * The entry of a token, or null when it is unknown, expired, revoked, or
   * (unless `tainted`) on its way to revocation.
   */
  async lookup(id: string, opts: { tainted?: boolean } = {}): Promise<TokenEntry | null> {
    if (!id) return null;
    const started = performance.now();
    try {
      if (isBatchTokenId(id)) return await this.lookupBatch(id);
      const entry = await this.lookupByKey(await this.salt.saltId(id), opts);
      if (entry) entry.id = id;
      return entry;
    } finally {
      this.metrics.measure('vault.token.lookup', performance.now() - started);
    }
  }

  /**
   * By salted id. `raw` skips the lease check (revocation and tidy look at
   * what is stored, valid or not).
   */
  async lookupByKey(key: string, opts: { tainted?: boolean; raw?: boolean } = {}): Promise<TokenEntry | null> {
    if (!key || key.includes('/')) return null;
    const entry = await this.readEntry(key);
    if (!entry) return null;
    if (opts.raw) return entry;
    if (entry.numUses < 0 && !opts.tainted) return null;
    // A root token without a TTL never expires and may have no lease at all.
    if (isRootToken(entry) && entry.ttl === 0) return entry;
    const expireTime = await this.expiration.expireTimeOf(tokenLeaseId(entry));
    if (expireTime === null) {
      // An expiring token without a lease was cut off mid-revocation: finish the job.
      this.revokeTreeByKey(key).catch((err: unknown) => this.logger.warn({ err: String(err) }, 'revoking a token without a lease failed'));
      return null;
    }
    if (expireTime !== 0 && expireTime < this.now() && !opts.tainted) return null;
    return entry;
  }

  async lookupByAccessor(accessor: string, opts: { tainted?: boolean } = {}): Promise<TokenEntry | null> {
    if (!accessor) return null;
    const index = await getJson<{ token_key: string }>(this.storage, ACCESSOR_PREFIX + (await this.salt.saltId(accessor)));
    if (!index?.token_key) return null;
    return this.lookupByKey(index.token_key, opts);
  }

  private async lookupBatch(id: string): Promise<TokenEntry | null> {
    const entry = decodeBatchToken(this.options.blobCipher, id);
    if (!entry) return null;
    if (this.now() > (entry.creationTime + entry.ttl) * 1000) return null;
    // A non-orphan batch token dies with its parent.
    if (entry.parent && !(await this.lookupByKey(entry.parent))) return null;
    return entry;
  }

  /** Authenticate a request's token: 403 "permission denied" unless valid and used from an allowed address. */
  async checkToken(id: string, remoteAddress?: string): Promise<TokenEntry> {
    const entry = await this.lookup(id);
    if (!entry) throw new CofferError('permission_denied', 'permission denied');
    if (!cidrsAllow(entry.boundCidrs, remoteAddress)) throw new CofferError('permission_denied', 'permission denied');
    return entry;
  }

  /**
   * Count one use of a limited-use token. On the last use the token is
   * marked as being revoked (no other request can use it) and `lastUse`
   * tells the caller to revoke it once the request is done.
   */
  async useToken(entry: TokenEntry): Promise<{ entry: TokenEntry; lastUse: boolean }> {
    if (entry.type === 'batch' || entry.numUses === 0) return { entry, lastUse: false };
    return this.withLock(entry.key, async () => {
      const fresh = await this.lookupByKey(entry.key);
      if (!fresh) throw new CofferError('permission_denied', 'permission denied');
      fresh.id = entry.id;
      if (fresh.numUses === 0) return { entry: fresh, lastUse: false };
      const lastUse = fresh.numUses === 1;
      fresh.numUses = lastUse ? REVOCATION_PENDING : fresh.numUses - 1;
      await this.put(fresh);
      return { entry: fresh, lastUse };
    });
  }

  /** Vault's lookup answer for a token entry. */
  async lookupResponse(entry: TokenEntry): Promise<Record<string, unknown>> {
    const times = entry.type === 'batch' ? batchLeaseTimes(entry) : await this.expiration.leaseTimes(tokenLeaseId(entry));
    const data = tokenLookupData(entry, times, this.now());
    const identityPolicies = entry.entityId ? (this.options.identityPolicies?.(entry.entityId) ?? []) : [];
    if (identityPolicies.length > 0) data['identity_policies'] = identityPolicies;
    return data;
  }

  /** Whom secrets created with this token are charged to (the lease index). */
  leaseOwner(entry: TokenEntry): LeaseOwner {
    if (entry.type === 'batch') {
      return { tokenKey: entry.parent, tokenType: 'batch', tokenExpireTime: (entry.creationTime + entry.ttl) * 1000 };
    }
    return { tokenKey: entry.key, tokenType: 'service' };
  }

  // ---- renewal -------------------------------------------------------------

  /** auth/token/renew*: extend a token's lease (period and explicit max TTL as Vault applies them). */
  async renew(id: string, increment: number, connection?: Connection): Promise<{ auth: Auth; warnings: string[] } | null> {
    const entry = await this.lookup(id);
    if (!entry) throw new CofferError('invalid_request', 'token not found');
    return this.renewEntry(entry, increment, connection);
  }

  /** `connection` is the renewing client's: an auth method may check it again (cert checks the certificate presented). */
  async renewEntry(entry: TokenEntry, increment: number, connection?: Connection): Promise<{ auth: Auth; warnings: string[] } | null> {
    if (entry.type === 'batch') throw new CofferError('invalid_request', 'batch tokens cannot be renewed');
    const result = await this.expiration.renewAuthLease(tokenLeaseId(entry), increment, async (auth) => {
      if (!entry.role) return { ...auth, period: entry.period, explicitMaxTtl: entry.explicitMaxTtl };
      const role = await this.readRole(entry.role);
      if (!role) throw new CofferError('internal', `original token role "${entry.role}" could not be found, not renewing`);
      return { ...auth, period: role.token_period, explicitMaxTtl: role.token_explicit_max_ttl };
    }, connection);
    if (!result) return null;
    return {
      auth: { ...result.auth, clientToken: entry.id, accessor: entry.accessor, tokenType: 'service', orphan: entry.parent === '', numUses: entry.numUses, entityId: entry.entityId },
      warnings: result.warnings,
    };
  }

  // ---- revocation ----------------------------------------------------------

  /** Revoke a token and every token below it. Works on tokens mid-revocation (used up) too. */
  async revokeTree(id: string): Promise<void> {
    if (isBatchTokenId(id)) throw new CofferError('invalid_request', 'batch tokens cannot be revoked');
    await this.revokeTreeByKey(await this.salt.saltId(id));
  }

  /** Revoke a token only; its children become orphans. */
  async revokeOrphan(id: string): Promise<void> {
    if (isBatchTokenId(id)) throw new CofferError('invalid_request', 'batch tokens cannot be revoked');
    await this.revokeOne(await this.salt.saltId(id), false);
  }

  /** Revoke the token behind an accessor (and its children). False when no token has that accessor. */
  async revokeAccessor(accessor: string): Promise<boolean> {
    const entry = await this.lookupByAccessor(accessor, { tainted: true });
    if (!entry) return false;
    await this.revokeTreeByKey(entry.key);
    return true;
  }

  /** Depth first, children before parents, so that no child is ever left without its parent's index. */
  async revokeTreeByKey(rootKey: string): Promise<void> {
    const stack = [rootKey];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const key = stack[stack.length - 1]!;
      seen.add(key);
      const children: string[] = [];
      for (const child of await this.listAll(`${PARENT_PREFIX}${key}/`)) {
        if (child.endsWith('/')) continue;
        if (seen.has(child)) {
          // A cycle cannot come from normal operation; cut it rather than loop forever.
          await this.storage.delete(`${PARENT_PREFIX}${key}/${child}`);
          this.logger.warn({}, 'token cycle found in the parent index');
          continue;
        }
        children.push(child);
      }
      if (children.length === 0) {
        await this.revokeOne(key, true);
        stack.pop();
      } else {
        stack.push(...children);
      }
    }
  }

  private revokeOne(key: string, skipOrphan: boolean): Promise<void> {
    const running = this.revoking.get(key);
    if (running) return running;
    const work = this.revokeOneNow(key, skipOrphan).finally(() => this.revoking.delete(key));
    this.revoking.set(key, work);
    return work;
  }

  private async revokeOneNow(key: string, skipOrphan: boolean): Promise<void> {
    const entry = await this.lookupByKey(key, { raw: true });
    if (!entry) {
      // The entry is gone but leases may still name the token.
      await this.expiration.revokeByToken(key);
      return;
    }
    if (entry.numUses !== REVOCATION_PENDING) {
      // Written first: from here on no request can use the token, even if a step below fails.
      entry.numUses = REVOCATION_PENDING;
      await this.put(entry);
    }
    if (this.options.onRevoke) await this.options.onRevoke(entry);
    await this.expiration.revokeByToken(key, { tokenLeaseId: tokenLeaseId(entry) });
    if (entry.parent) await this.storage.delete(`${PARENT_PREFIX}${entry.parent}/${key}`);
    if (entry.accessor) await this.storage.delete(ACCESSOR_PREFIX + (await this.salt.saltId(entry.accessor)));
    if (!skipOrphan) {
      for (const child of await this.listAll(`${PARENT_PREFIX}${key}/`)) {
        if (child.endsWith('/')) continue;
        await this.withLock(child, async () => {
          const childEntry = await this.lookupByKey(child, { raw: true });
          if (childEntry) {
            childEntry.parent = '';
            await this.put(childEntry);
          }
        });
        await this.storage.delete(`${PARENT_PREFIX}${key}/${child}`);
      }
    }
    await this.removeEntry(key);
  }

  // ---- roles ---------------------------------------------------------------

  async readRole(name: string): Promise<TokenRole | null> {
    if (!name || name.includes('/') || name.includes('..')) return null;
    const stored = await getJson<TokenRole>(this.storage, ROLES_PREFIX + name);
    return stored ? normalizeRole({ ...stored, name: stored.name || name }) : null;
  }

  async writeRole(role: TokenRole): Promise<void> {
    await putJson(this.storage, ROLES_PREFIX + role.name, role);
  }

  async deleteRole(name: string): Promise<void> {
    if (!name || name.includes('/') || name.includes('..')) return;
    await this.storage.delete(ROLES_PREFIX + name);
  }

  async listRoles(): Promise<string[]> {
    return (await this.listAll(ROLES_PREFIX)).filter((k) => !k.endsWith('/'));
  }

  // ---- accessors and tidy --------------------------------------------------

  /** Every accessor (auth/token/accessors, sudo). */
  async listAccessors(): Promise<{ keys: string[]; warnings: string[] }> {
    const keys: string[] = [];
    const warnings: string[] = [];
    for (const salted of await this.listAll(ACCESSOR_PREFIX)) {
      if (salted.endsWith('/')) continue;
      const index = await getJson<{ token_key?: string; accessor_id?: string }>(this.storage, ACCESSOR_PREFIX + salted);
      if (!index) continue;
      if (!index.token_key) {
        warnings.push(`Found an accessor entry missing a token: ${index.accessor_id ?? ''}`);
        continue;
      }
      if (index.accessor_id) keys.push(index.accessor_id);
    }
    return { keys, warnings };
  }

  /**
   * Remove index entries that point at nothing: children of vanished
   * parents become orphans, accessors of vanished tokens are dropped and
   * the leases of those tokens revoked.
   */
  async tidy(): Promise<{ orphaned: number; parentIndexesRemoved: number; accessorsRemoved: number }> {
    let orphaned = 0;
    let parentIndexesRemoved = 0;
    let accessorsRemoved = 0;
    for (const parentFolder of await this.listAll(PARENT_PREFIX)) {
      if (!parentFolder.endsWith('/')) continue;
      const parentKey = parentFolder.slice(0, -1);
      const parentExists = (await this.lookupByKey(parentKey, { raw: true })) !== null;
      for (const child of await this.listAll(PARENT_PREFIX + parentFolder)) {
        if (child.endsWith('/')) continue;
        const childEntry = await this.lookupByKey(child, { raw: true });
        if (childEntry && parentExists) continue;
        if (childEntry) {
          await this.withLock(child, async () => {
            childEntry.parent = '';
            await this.put(childEntry);
          });
          orphaned++;
        }
        await this.storage.delete(PARENT_PREFIX + parentFolder + child);
        parentIndexesRemoved++;
      }
    }
    for (const salted of await this.listAll(ACCESSOR_PREFIX)) {
      if (salted.endsWith('/')) continue;
      const index = await getJson<{ token_key?: string }>(this.storage, ACCESSOR_PREFIX + salted);
      if (index?.token_key && (await this.lookupByKey(index.token_key, { raw: true }))) continue;
      if (index?.token_key) await this.expiration.revokeByToken(index.token_key);
      await this.storage.delete(ACCESSOR_PREFIX + salted);
      accessorsRemoved++;
    }
    this.logger.info({ orphaned, parentIndexesRemoved, accessorsRemoved }, 'token tidy finished');
    return { orphaned, parentIndexesRemoved, accessorsRemoved };
  }

  // ---- helpers -------------------------------------------------------------

  /** The stored entry, through the cache. Its validity (lease, revocation) is for the caller to judge. */
  private async readEntry(key: string): Promise<TokenEntry | null> {
    const cached = this.entries.get(key);
    if (cached) return cached;
    const readStarted = this.entries.readStarted();
    const stored = await this.storage.get(ID_PREFIX + key);
    if (!stored) return null;
    const entry = decodeToken(key, stored.value);
    this.entries.set(key, entry, readStarted);
    return entry;
  }

  /** The stored entry of a salted id changed below the cache (another node, a direct barrier write). */
  invalidateEntry(key: string): void {
    this.entries.invalidate(key);
  }

  /**
   * Every write of an entry goes through here or removeEntry(). The cache is
   * emptied before (concurrent requests read storage, not the old copy) and
   * after (a read that overlapped the write cannot leave the old copy behind).
   */
  private async put(entry: TokenEntry): Promise<void> {
    this.entries.invalidate(entry.key);
    try {
      await this.storage.put({ key: ID_PREFIX + entry.key, value: encodeToken(entry) });
    } finally {
      this.entries.invalidate(entry.key);
    }
  }

  private async removeEntry(key: string): Promise<void> {
    this.entries.invalidate(key);
    try {
      await this.storage.delete(ID_PREFIX + key);
    } finally {
      this.entries.invalidate(key);
    }
  }

  private async listAll(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let after = '';
    for (;;) {
      const page = await this.storage.listPage(prefix, after, PAGE);
      out.push(...page);
      if (page.length < PAGE) return out;
      after = page[page.length - 1]!;
    }
  }

  /** Serialize read-modify-write of one token entry. */
  private withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(key, fn);
  }
}

/** Which kind of token a login gets: the mount's fixed type wins, then the auth method's wish, then the mount's default. */
function resolveLoginTokenType(requested: string | undefined, mountType: string | undefined): 'service' | 'batch' {
  if (mountType === 'service' || mountType === 'batch') return mountType;
  if (requested === 'service' || requested === 'batch') return requested;
  return mountType === 'default-batch' ? 'batch' : 'service';
}
