import { randomUUID } from 'node:crypto';
import { CofferError, getJson, putJson, type Storage } from '@coffer/sdk';
import { secretIdLockKey, type ApproleContext } from './context.js';
import { hmacsEqual } from './hmac-key.js';
import type { RoleEntry } from './role-entry.js';

/**
 * A secret ID as stored under "<prefix><HMAC(role name)>/<HMAC(secret ID)>".
 * The secret ID itself is never stored; its HMAC is kept inside the entry
 * too, so a lookup re-checks it in constant time.
 */
export interface SecretIdEntry {
  secret_id_hmac: string;
  secret_id_accessor: string;
  /** Logins left; 0 means unlimited. */
  secret_id_num_uses: number;
  /** Seconds, as asked for (the response at creation shows the value capped by the mount). */
  secret_id_ttl: number;
  creation_time: string;
  /** ZERO_TIME when the secret ID never expires. */
  expiration_time: string;
  last_updated_time: string;
  metadata: Record<string, string>;
  cidr_list: string[];
  token_bound_cidrs: string[];
}

/** Go's zero time, which Vault reports as the expiration of a secret ID that never expires. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Where one role's secret IDs and their accessor index live. */
export interface SecretIdPrefixes {
  secrets: string;
  accessors: string;
}

export const GLOBAL_PREFIXES: SecretIdPrefixes = { secrets: 'secret_id/', accessors: 'accessor/' };
export const LOCAL_PREFIXES: SecretIdPrefixes = { secrets: 'secret_id_local/', accessors: 'accessor_local/' };

export function prefixesFor(role: RoleEntry): SecretIdPrefixes {
  return role.local_secret_ids ? LOCAL_PREFIXES : GLOBAL_PREFIXES;
}

/** The storage coordinates of one secret ID. */
export interface SecretIdLocation {
  prefixes: SecretIdPrefixes;
  roleNameHmac: string;
  secretIdHmac: string;
}

interface AccessorEntry {
  secret_id_hmac: string;
  role_name_hmac: string;
}

export function entryKey(loc: SecretIdLocation): string {
  return `${loc.prefixes.secrets}${loc.roleNameHmac}/${loc.secretIdHmac}`;
}

export async function locateSecretId(ctx: ApproleContext, storage: Storage, roleName: string, role: RoleEntry, secretId: string): Promise<SecretIdLocation> {
  return {
    prefixes: prefixesFor(role),
    roleNameHmac: await ctx.hmacKey.hmac(storage, roleName),
    secretIdHmac: await ctx.hmacKey.hmac(storage, secretId),
  };
}

/** The entry at a location, or null; an entry whose stored HMAC does not match is treated as absent. */
export async function loadSecretId(storage: Storage, loc: SecretIdLocation): Promise<SecretIdEntry | null> {
  const entry = await getJson<SecretIdEntry>(storage, entryKey(loc));
  if (!entry || !hmacsEqual(entry.secret_id_hmac, loc.secretIdHmac)) return null;
  return entry;
}

export function isExpired(entry: SecretIdEntry, nowMs: number): boolean {
  return entry.expiration_time !== ZERO_TIME && Date.parse(entry.expiration_time) <= nowMs;
}

async function accessorKey(ctx: ApproleContext, storage: Storage, prefixes: SecretIdPrefixes, accessor: string): Promise<string> {
  return prefixes.accessors + (await ctx.hmacKey.hmac(storage, accessor));
}

export async function accessorExists(ctx: ApproleContext, storage: Storage, prefixes: SecretIdPrefixes, accessor: string): Promise<boolean> {
  return (await storage.get(await accessorKey(ctx, storage, prefixes, accessor))) !== null;
}

/** Delete a secret ID and its accessor index entry. The caller holds the secret ID's lock. */
export async function removeSecretId(ctx: ApproleContext, storage: Storage, loc: SecretIdLocation, entry: SecretIdEntry | null): Promise<void> {
  if (entry) await storage.delete(await accessorKey(ctx, storage, loc.prefixes, entry.secret_id_accessor));
  await storage.delete(entryKey(loc));
}

export interface NewSecretId {
  numUses: number;
  ttl: number;
  /** The TTL actually applied (capped by the mount's max lease TTL); 0 means no expiry. */
  effectiveTtl: number;
  metadata: Record<string, string>;
  cidrList: string[];
  tokenBoundCidrs: string[];
}

/** Store a new secret ID (by HMAC only) and its accessor. Refuses a secret ID the role already has. */
export async function registerSecretId(
  ctx: ApproleContext,
  storage: Storage,
  roleName: string,
  role: RoleEntry,
  secretId: string,
  spec: NewSecretId,
): Promise<SecretIdEntry> {
  const loc = await locateSecretId(ctx, storage, roleName, role, secretId);
  return ctx.locks.run(secretIdLockKey(loc.secretIdHmac), async () => {
    if ((await storage.get(entryKey(loc))) !== null) throw new CofferError('invalid_request', 'SecretID is already registered');
    const now = ctx.now();
    const created = new Date(now).toISOString();
    const entry: SecretIdEntry = {
      secret_id_hmac: loc.secretIdHmac,
      secret_id_accessor: randomUUID(),
      secret_id_num_uses: spec.numUses,
      secret_id_ttl: spec.ttl,
      creation_time: created,
      expiration_time: spec.effectiveTtl > 0 ? new Date(now + spec.effectiveTtl * 1000).toISOString() : ZERO_TIME,
      last_updated_time: created,
      metadata: spec.metadata,
      cidr_list: spec.cidrList,
      token_bound_cidrs: spec.tokenBoundCidrs,
    };
    // The accessor first: a secret ID without an accessor is treated as invalid and cleaned up.
    const accessor: AccessorEntry = { secret_id_hmac: loc.secretIdHmac, role_name_hmac: loc.roleNameHmac };
    await putJson(storage, await accessorKey(ctx, storage, loc.prefixes, entry.secret_id_accessor), accessor);
    await putJson(storage, entryKey(loc), entry);
    return entry;
  });
}

/** Find a role's secret ID through its accessor. Null when the accessor is unknown. */
export async function locateByAccessor(
  ctx: ApproleContext,
  storage: Storage,
  roleName: string,
  role: RoleEntry,
  accessor: string,
): Promise<SecretIdLocation | null> {
  const prefixes = prefixesFor(role);
  const index = await getJson<AccessorEntry>(storage, await accessorKey(ctx, storage, prefixes, accessor));
  if (!index) return null;
  const roleNameHmac = await ctx.hmacKey.hmac(storage, roleName);
  // An accessor of another role's secret ID must not be usable through this role.
  if (!hmacsEqual(index.role_name_hmac, roleNameHmac)) return null;
  return { prefixes, roleNameHmac, secretIdHmac: index.secret_id_hmac };
}

/** Accessors of all the secret IDs of a role. */
export async function listAccessors(ctx: ApproleContext, storage: Storage, roleName: string, role: RoleEntry): Promise<string[]> {
  const prefixes = prefixesFor(role);
  const roleNameHmac = await ctx.hmacKey.hmac(storage, roleName);
  const accessors: string[] = [];
  for (const secretIdHmac of await storage.list(`${prefixes.secrets}${roleNameHmac}/`)) {
    if (secretIdHmac.endsWith('/')) continue;
    const entry = await loadSecretId(storage, { prefixes, roleNameHmac, secretIdHmac });
    if (entry) accessors.push(entry.secret_id_accessor);
  }
  return accessors;
}

/** Delete every secret ID of a role (and their accessors), e.g. when the role is deleted. */
export async function flushRoleSecretIds(ctx: ApproleContext, storage: Storage, roleName: string, role: RoleEntry): Promise<void> {
  const prefixes = prefixesFor(role);
  const roleNameHmac = await ctx.hmacKey.hmac(storage, roleName);
  for (const secretIdHmac of await storage.list(`${prefixes.secrets}${roleNameHmac}/`)) {
    if (secretIdHmac.endsWith('/')) continue;
    const loc = { prefixes, roleNameHmac, secretIdHmac };
    await ctx.locks.run(secretIdLockKey(secretIdHmac), async () => {
      const entry = await getJson<SecretIdEntry>(storage, entryKey(loc));
      await removeSecretId(ctx, storage, loc, entry);
    });
  }
}

/** A secret ID's properties as the lookup endpoints return them. */
export function secretIdResponseData(entry: SecretIdEntry): Record<string, unknown> {
  return {
    secret_id_accessor: entry.secret_id_accessor,
    secret_id_num_uses: entry.secret_id_num_uses,
    secret_id_ttl: entry.secret_id_ttl,
    creation_time: entry.creation_time,
    expiration_time: entry.expiration_time,
    last_updated_time: entry.last_updated_time,
    metadata: { ...entry.metadata },
    cidr_list: [...entry.cidr_list],
    token_bound_cidrs: [...entry.token_bound_cidrs],
  };
}
