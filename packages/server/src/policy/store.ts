import { CofferError, KeyedMutex, collectKeys, getJson, putJson, type Logger, type Storage } from '@coffer/sdk';
import { ACL } from './acl.js';
import { DEFAULT_POLICY_TEXT, RESPONSE_WRAPPING_POLICY_TEXT } from './builtin-policies.js';
import { LruCache } from './lru-cache.js';
import { parsePolicy, pathShape } from './parse.js';
import { resolvePolicies, type IdentityTemplateContext } from './templating.js';
import {
  DEFAULT_POLICY_NAME,
  RESPONSE_WRAPPING_POLICY_NAME,
  ROOT_POLICY_NAME,
  rootPolicy,
  sanitizePolicyName,
  type Policy,
} from './policy.js';

/** Policies nobody may write or delete: root has no text, response-wrapping is managed by Coffer. */
const IMMUTABLE_POLICIES = new Set([ROOT_POLICY_NAME, RESPONSE_WRAPPING_POLICY_NAME]);
/** Policies that exist but cannot be given to tokens, so list() leaves them out. */
const NON_ASSIGNABLE_POLICIES = new Set([RESPONSE_WRAPPING_POLICY_NAME]);

/** Stored form of a policy, with the field names Vault's policy entries use. */
interface PolicyEntry {
  Version: number;
  Raw: string;
  Type: number;
}
const ACL_POLICY_TYPE = 0;

export interface PolicyStoreOptions {
  /** Where policies live, one key per name: a barrier view such as "sys/policy/". */
  storage: Storage;
  logger: Logger;
  /** How many parsed policies and compiled ACLs to keep (each). */
  cacheSize?: number;
}

export interface PolicyStore {
  /** Write the `default` policy if missing and (re)write `response-wrapping`. Call at unseal. */
  setupDefaults(): Promise<void>;
  /** The named policy (root included), or null. */
  get(name: string): Promise<Policy | null>;
  /** Parse and store a policy; nothing is written when the text does not parse. */
  set(name: string, text: string): Promise<Policy>;
  /** Delete a policy; deleting one that does not exist is not an error. */
  delete(name: string): Promise<void>;
  /** Assignable policy names: stored ones sorted, then "root" last (Vault's order). */
  list(): Promise<string[]>;
  /**
   * The ACL for a token's policies; unknown names are skipped. Cached until a
   * policy changes. Templated paths are resolved for `identity` (without
   * one, they match nothing).
   */
  acl(names: readonly string[], identity?: IdentityTemplateContext): Promise<ACL>;
  /** Forget cached copies after another node changed a policy key in storage. */
  invalidate(name: string): void;
}

export function createPolicyStore(options: PolicyStoreOptions): PolicyStore {
  return new BarrierPolicyStore(options);
}

class BarrierPolicyStore implements PolicyStore {
  private readonly storage: Storage;
  private readonly logger: Logger;
  private readonly policies: LruCache<string, Policy>;
  private readonly acls: LruCache<string, ACL>;
  /**
   * Bumped by every change. A read that started before a change must not
   * put what it read into a cache, or the cache would keep the old policy.
   */
  private generation = 0;
  /** Writes run one at a time so the cache always ends up matching storage. */
  /** Policy writes run one at a time. */
  private readonly writes = new KeyedMutex();

  constructor(options: PolicyStoreOptions) {
    this.storage = options.storage;
    this.logger = options.logger;
    this.policies = new LruCache(options.cacheSize ?? 1024);
    this.acls = new LruCache(options.cacheSize ?? 1024);
  }

  async setupDefaults(): Promise<void> {
    await this.serialized(async () => {
      if (!(await this.read(DEFAULT_POLICY_NAME))) {
        await this.write(parsePolicy(DEFAULT_POLICY_NAME, DEFAULT_POLICY_TEXT));
        this.logger.info({ policy: DEFAULT_POLICY_NAME }, 'created default policy');
      }
      const wrapping = await this.read(RESPONSE_WRAPPING_POLICY_NAME);
      if (!wrapping || wrapping.raw !== RESPONSE_WRAPPING_POLICY_TEXT) {
        await this.write(parsePolicy(RESPONSE_WRAPPING_POLICY_NAME, RESPONSE_WRAPPING_POLICY_TEXT));
      }
    });
  }

  async get(name: string): Promise<Policy | null> {
    return this.read(checkName(name));
  }

  async set(name: string, text: string): Promise<Policy> {
    const clean = checkName(name);
    if (IMMUTABLE_POLICIES.has(clean)) throw new CofferError('invalid_request', `cannot update "${clean}" policy`);
    const policy = parsePolicy(clean, text);
    await this.serialized(() => this.write(policy));
    this.logger.info({ policy: clean }, 'policy written');
    return policy;
  }

  async delete(name: string): Promise<void> {
    const clean = checkName(name);
    if (IMMUTABLE_POLICIES.has(clean)) throw new CofferError('invalid_request', `cannot delete "${clean}" policy`);
    if (clean === DEFAULT_POLICY_NAME) throw new CofferError('invalid_request', 'cannot delete default policy');
    await this.serialized(async () => {
      await this.storage.delete(clean);
      this.changed(clean);
    });
    this.logger.info({ policy: clean }, 'policy deleted');
  }

  async list(): Promise<string[]> {
    // Names may contain "/", so walk the whole tree rather than one level.
    const names = (await collectKeys(this.storage)).filter((n) => !NON_ASSIGNABLE_POLICIES.has(n)).sort();
    return [...names, ROOT_POLICY_NAME];
  }

  async acl(names: readonly string[], identity?: IdentityTemplateContext): Promise<ACL> {
    const wanted = [...new Set(names.map(sanitizePolicyName))].filter((n) => n !== '').sort();
    const key = JSON.stringify(wanted);
    // A set without templates is cached by names alone; one with templates also by the identity it was resolved for.
    const cached = this.acls.get(key);
    if (cached) return cached;
    const templatedKey = `${key}\u0000${identity ? JSON.stringify(identity) : ''}`;
    const cachedTemplated = this.acls.get(templatedKey);
    if (cachedTemplated) return cachedTemplated;

    const generation = this.generation;
    const policies: Policy[] = [];
    for (const name of wanted) {
      const policy = await this.read(name);
      if (policy) policies.push(policy);
    }
    const templated = policies.some((p) => p.paths.some((r) => r.template !== undefined));
    const acl = new ACL(templated ? resolvePolicies(policies, identity, pathShape) : policies);
    if (generation === this.generation) this.acls.set(templated ? templatedKey : key, acl);
    return acl;
  }

  invalidate(name: string): void {
    this.changed(sanitizePolicyName(name.replace(/^\/+/, '')));
  }

  private async read(name: string): Promise<Policy | null> {
    if (name === ROOT_POLICY_NAME) return rootPolicy();
    const cached = this.policies.get(name);
    if (cached) return cached;

    const generation = this.generation;
    const entry = await getJson<PolicyEntry>(this.storage, name);
    if (!entry) return null;
    if (entry.Type !== ACL_POLICY_TYPE || typeof entry.Raw !== 'string') {
      throw new CofferError('internal', `stored policy "${name}" has an unknown format`);
    }
    let policy: Policy;
    try {
      policy = parsePolicy(name, entry.Raw);
    } catch (err) {
      // It parsed when it was written; a failure now means the stored copy is damaged.
      throw new CofferError('internal', `failed to parse stored policy "${name}"`, { cause: err });
    }
    if (generation === this.generation) this.policies.set(name, policy);
    return policy;
  }

  private async write(policy: Policy): Promise<void> {
    const entry: PolicyEntry = { Version: 2, Raw: policy.raw, Type: ACL_POLICY_TYPE };
    await putJson(this.storage, policy.name, entry);
    this.changed(policy.name);
    this.policies.set(policy.name, policy);
  }

  /** Drop what a change to `name` makes stale. Any ACL may include it, so all ACLs go. */
  private changed(name: string): void {
    this.generation++;
    this.policies.delete(name);
    this.acls.clear();
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    return this.writes.run('policies', task);
  }
}

function checkName(name: string): string {
  const clean = sanitizePolicyName(name);
  if (clean === '') throw new CofferError('invalid_request', 'policy name must be provided in the URL');
  // Names are storage keys: keep them to plain, well-formed paths.
  if (clean.includes('..')) throw new CofferError('invalid_request', 'policy name must not contain ".."');
  if (clean.startsWith('/') || clean.endsWith('/') || clean.includes('//')) {
    throw new CofferError('invalid_request', 'policy name must not start or end with "/" or contain "//"');
  }
  return clean;
}
