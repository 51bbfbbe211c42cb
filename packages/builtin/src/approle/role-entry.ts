import { CofferError, getJson, putJson, type Storage } from '@coffer/sdk';
import { withTokenDefaults, type TokenParams } from '../token-fields/index.js';
import type { ApproleContext } from './context.js';
import { MAX_HMAC_INPUT_LENGTH } from './hmac-key.js';

/**
 * A role as stored under "role/<lower-cased name>". `policies` and `period`
 * are the deprecated names of token_policies and token_period, set only when
 * a client wrote them by those names.
 */
export interface RoleEntry extends TokenParams {
  role_id: string;
  bind_secret_id: boolean;
  secret_id_bound_cidrs: string[];
  secret_id_num_uses: number;
  /** Seconds; 0 means secret IDs do not expire. */
  secret_id_ttl: number;
  /** Secret IDs of this role stay on this cluster (fixed at creation). */
  local_secret_ids: boolean;
  policies: string[];
  period: number;
}

export const ROLE_PREFIX = 'role/';
const ROLE_ID_PREFIX = 'role_id/';

/** Role names are case-insensitive: they are stored and HMACed lower-cased. */
export function canonicalRoleName(name: string): string {
  if (name === '') throw new CofferError('invalid_request', 'missing role_name');
  if (Buffer.byteLength(name, 'utf8') > MAX_HMAC_INPUT_LENGTH) {
    throw new CofferError('invalid_request', `role_name is longer than maximum of ${MAX_HMAC_INPUT_LENGTH} bytes`);
  }
  return name.toLowerCase();
}

export function newRoleEntry(): RoleEntry {
  return {
    ...withTokenDefaults(undefined),
    role_id: '',
    bind_secret_id: true,
    secret_id_bound_cidrs: [],
    secret_id_num_uses: 0,
    secret_id_ttl: 0,
    local_secret_ids: false,
    policies: [],
    period: 0,
  };
}

export async function readRole(storage: Storage, name: string): Promise<RoleEntry | null> {
  const stored = await getJson<Partial<RoleEntry>>(storage, ROLE_PREFIX + canonicalRoleName(name));
  if (!stored) return null;
  const role: RoleEntry = { ...newRoleEntry(), ...stored };
  if (role.token_period === 0 && role.period > 0) role.token_period = role.period;
  if (role.token_policies.length === 0 && role.policies.length > 0) role.token_policies = [...role.policies];
  return role;
}

export async function listRoles(storage: Storage): Promise<string[]> {
  return (await storage.list(ROLE_PREFIX)).filter((k) => !k.endsWith('/'));
}

/** A role must restrict logins somehow: a secret ID, or CIDR blocks. */
export function hasConstraint(role: RoleEntry): boolean {
  return role.bind_secret_id || role.secret_id_bound_cidrs.length > 0 || role.token_bound_cidrs.length > 0;
}

/** The role name a role_id belongs to, through the HMAC-keyed index. */
export async function roleNameForRoleId(ctx: ApproleContext, storage: Storage, roleId: string): Promise<string | null> {
  const index = await getJson<{ name: string }>(storage, ROLE_ID_PREFIX + (await ctx.hmacKey.hmac(storage, roleId)));
  return index?.name ?? null;
}

/**
 * Persist a role and keep the role_id index in step. Callers hold the
 * "roles" lock, so the uniqueness check and the index write cannot race.
 */
export async function writeRole(ctx: ApproleContext, storage: Storage, name: string, role: RoleEntry, previousRoleId: string): Promise<void> {
  if (!hasConstraint(role)) {
    throw new CofferError(
      'invalid_request',
      'at least one constraint should be enabled on the role: set bind_secret_id, secret_id_bound_cidrs or token_bound_cidrs',
    );
  }
  if (role.role_id === '') throw new CofferError('invalid_request', 'missing role_id');
  const owner = await roleNameForRoleId(ctx, storage, role.role_id);
  if (owner !== null && owner !== name) throw new CofferError('invalid_request', 'role_id already in use');

  if (previousRoleId !== '' && previousRoleId !== role.role_id) await deleteRoleIdIndex(ctx, storage, previousRoleId);
  await putJson(storage, ROLE_PREFIX + name, role);
  if (owner === null) await putJson(storage, ROLE_ID_PREFIX + (await ctx.hmacKey.hmac(storage, role.role_id)), { name });
}

export async function deleteRoleIdIndex(ctx: ApproleContext, storage: Storage, roleId: string): Promise<void> {
  await storage.delete(ROLE_ID_PREFIX + (await ctx.hmacKey.hmac(storage, roleId)));
}

export async function deleteRoleEntry(storage: Storage, name: string): Promise<void> {
  await storage.delete(ROLE_PREFIX + name);
}
