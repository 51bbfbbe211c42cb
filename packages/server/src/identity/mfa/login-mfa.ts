import { randomUUID } from 'node:crypto';
import { CofferError, type Auth, type Storage } from '@coffer/sdk';
import { UsedCodes } from '@coffer/builtin/totp/used-codes.js';
import type { IdentityStore } from '../store.js';
import { allEnforcements, listMethodIds, readMethod, readSecret, type LoginEnforcement, type TotpMethod } from './records.js';
import { passcodeIsValid } from './totp.js';

/** The login being checked: its auth mount and the entity the identity stage found. */
export interface LoginFacts {
  mountAccessor: string;
  mountType: string;
  entityId: string | undefined;
}

/** One enforcement a login matched, and the methods that can satisfy it (any one). */
export interface MfaConstraint {
  enforcement: string;
  methods: Array<{ id: string; name: string }>;
}

/** A login waiting for sys/mfa/validate: everything needed to issue its token as the login would have. */
export interface PendingLogin<Extra> {
  id: string;
  entityId: string;
  constraints: MfaConstraint[];
  auth: Auth;
  extra: Extra;
  expiresAt: number;
}

/** Payload keys are method ids or names, values the passcodes (Vault allows a "passcode=" prefix). */
export type MfaPayload = Record<string, string[]>;

/** How long a login may wait for its MFA validation, at most (and never longer than the login's own TTL). */
const PENDING_TTL_MS = 5 * 60 * 1000;

/**
 * Login MFA: which enforcements a login matches, the logins waiting for
 * their MFA (in memory, per node, short-lived), and passcode checks with
 * single use of each code and a cap on consecutive wrong codes.
 */
export class LoginMfa<Extra> {
  private readonly pending = new Map<string, PendingLogin<Extra>>();
  private readonly usedCodes: UsedCodes;
  /** "<method id>/<entity id>" → times of wrong codes not yet forgiven. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly store: IdentityStore,
    private readonly now: () => number = Date.now,
  ) {
    this.usedCodes = new UsedCodes(now);
  }

  /** The enforcements as of the store's mfaVersion: every login asks, so they are not listed each time. */
  private enforcements: { version: number; list: Promise<LoginEnforcement[]> } | undefined;

  /** The constraints of every enforcement that applies to this login (none: no MFA). */
  async constraintsFor(storage: Storage, login: LoginFacts): Promise<MfaConstraint[]> {
    const version = this.store.mfaVersion;
    if (this.enforcements?.version !== version) {
      const list = allEnforcements(storage);
      this.enforcements = { version, list };
      // A failed read is not kept.
      list.catch(() => {
        if (this.enforcements?.list === list) this.enforcements = undefined;
      });
    }
    const enforcements = await this.enforcements.list;
    if (enforcements.length === 0) return [];
    const groupIds = new Set<string>();
    if (login.entityId) for (const g of [...this.store.directGroupsOf(login.entityId), ...this.store.inheritedGroupsOf(login.entityId)]) groupIds.add(g.id);
    const applies = (e: LoginEnforcement) =>
      e.authMethodAccessors.includes(login.mountAccessor) ||
      e.authMethodTypes.includes(login.mountType) ||
      (login.entityId !== undefined && e.identityEntityIds.includes(login.entityId)) ||
      e.identityGroupIds.some((g) => groupIds.has(g));
    const constraints: MfaConstraint[] = [];
    for (const e of enforcements.filter(applies).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const methods = await Promise.all(e.mfaMethodIds.map(async (id) => ({ id, name: (await readMethod(storage, id))?.name ?? '' })));
      constraints.push({ enforcement: e.name, methods });
    }
    return constraints;
  }

  /** Keeps a login until it is validated or expires; answers its mfa_request_id. */
  hold(entityId: string, constraints: MfaConstraint[], auth: Auth, extra: Extra): string {
    this.dropExpired();
    const id = randomUUID();
    const ttlMs = auth.ttl > 0 ? Math.min(auth.ttl * 1000, PENDING_TTL_MS) : PENDING_TTL_MS;
    this.pending.set(id, { id, entityId, constraints, auth, extra, expiresAt: this.now() + ttlMs });
    return id;
  }

  /** Validates the payload for a held login; on success the login is released (it can be completed once). */
  async release(storage: Storage, requestId: string, payload: MfaPayload): Promise<PendingLogin<Extra>> {
    this.dropExpired();
    const login = this.pending.get(requestId);
    if (!login) throw new CofferError('invalid_request', 'MFA request ID not found');
    await this.satisfy(storage, login.entityId, login.constraints, payload);
    // Another request may have completed it while this one was checking.
    if (!this.pending.delete(requestId)) throw new CofferError('invalid_request', 'MFA request ID not found');
    return login;
  }

  /** Checks every constraint (each needs one of its methods to accept a passcode); throws 403 naming the first that fails. */
  async satisfy(storage: Storage, entityId: string, constraints: MfaConstraint[], payload: MfaPayload): Promise<void> {
    const byKey = await this.payloadByMethodId(storage, payload);
    for (const c of constraints) {
      const errors: string[] = [];
      let passed = false;
      for (const { id: methodId } of c.methods) {
        const passcodes = byKey.get(methodId);
        if (!passcodes) continue;
        const method = await readMethod(storage, methodId);
        if (!method) continue;
        const error = await this.checkTotp(storage, method, entityId, passcodes[0] ?? '');
        if (error === null) {
          passed = true;
          break;
        }
        errors.push(error);
      }
      if (!passed) {
        const why = errors.length > 0 ? errors.join('; ') : 'no passcode was given for any of its MFA methods';
        throw new CofferError('permission_denied', `failed to satisfy enforcement ${c.enforcement}: ${why}`);
      }
    }
  }

  /** null when the passcode is good (and is now used); otherwise why not. */
  private async checkTotp(storage: Storage, method: TotpMethod, entityId: string, rawPasscode: string): Promise<string | null> {
    const passcode = rawPasscode.replace(/^passcode=/, '');
    const secret = await readSecret(storage, method.id, entityId);
    if (!secret) return `entity has no TOTP secret for MFA method "${method.id}"`;
    const key = `${method.id}/${entityId}`;
    const now = this.now();
    // Wrong codes count for as long as a code can stay valid; after max_validation_attempts the method refuses until they age out.
    const windowMs = method.period * (2 * method.skew + 2) * 1000;
    const recent = (this.failures.get(key) ?? []).filter((t) => t > now - windowMs);
    this.failures.set(key, recent);
    if (recent.length >= method.maxValidationAttempts) {
      const waitS = Math.ceil((recent[0]! + windowMs - now) / 1000);
      return `maximum TOTP validation attempts ${recent.length} exceeded the allowed attempts ${method.maxValidationAttempts}; try again in ${waitS} seconds`;
    }
    if (!passcodeIsValid(method, secret, passcode, now)) {
      recent.push(now);
      return 'failed to validate TOTP passcode';
    }
    if (!this.usedCodes.claim(key, passcode, method.period * (2 * method.skew + 1) * 1000)) {
      return 'code already used; wait for the next one';
    }
    this.failures.delete(key);
    return null;
  }

  /** Payload keys that are method names are turned into method ids. */
  private async payloadByMethodId(storage: Storage, payload: MfaPayload): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    let byName: Map<string, string> | undefined;
    for (const [key, values] of Object.entries(payload)) {
      if (await readMethod(storage, key)) {
        out.set(key, values);
        continue;
      }
      if (!byName) {
        byName = new Map();
        for (const id of await listMethodIds(storage)) {
          const m = await readMethod(storage, id);
          if (m?.name) byName.set(m.name, id);
        }
      }
      const id = byName.get(key);
      if (!id) throw new CofferError('invalid_request', `invalid MFA method ID or name "${key}"`);
      out.set(id, values);
    }
    return out;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(id);
  }

  clear(): void {
    this.pending.clear();
    this.failures.clear();
  }
}

/** The X-Vault-MFA header's values ("<method id or name>:<passcode>") as a payload. */
export function payloadFromHeader(values: readonly string[]): MfaPayload {
  const payload: MfaPayload = {};
  for (const value of values.flatMap((v) => v.split(','))) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new CofferError('invalid_request', 'invalid MFA header: expected "<method ID or name>:<passcode>"');
    const key = value.slice(0, colon).trim();
    (payload[key] ??= []).push(value.slice(colon + 1).trim());
  }
  return payload;
}

/** Vault's mfa_requirement block of a login answer that waits for MFA. */
export function mfaRequirement(requestId: string, constraints: MfaConstraint[]): Record<string, unknown> {
  return {
    mfa_request_id: requestId,
    mfa_constraints: Object.fromEntries(constraints.map((c) => [c.enforcement, { any: c.methods.map((m) => ({ type: 'totp', id: m.id, uses_passcode: true, name: m.name })) }])),
  };
}
