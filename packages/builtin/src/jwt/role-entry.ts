import { getJson, putJson, type Storage } from '@coffer/sdk';
import { withTokenDefaults, type TokenParams } from '../token-fields/index.js';

export type RoleType = 'jwt' | 'oidc';
export type BoundClaimsType = 'string' | 'glob';

/**
 * A role as stored under "role/<name>". Leeways are seconds: 0 means the
 * default, -1 disables the leeway. The legacy fields (policies, ttl,
 * max_ttl, period, num_uses, bound_cidrs) are set only when a client wrote
 * them by their deprecated names.
 */
export interface JwtRole extends TokenParams {
  role_type: RoleType;
  bound_audiences: string[];
  bound_subject: string;
  bound_claims_type: BoundClaimsType;
  bound_claims: Record<string, unknown>;
  claim_mappings: Record<string, string>;
  user_claim: string;
  user_claim_json_pointer: boolean;
  groups_claim: string;
  oidc_scopes: string[];
  allowed_redirect_uris: string[];
  clock_skew_leeway: number;
  expiration_leeway: number;
  not_before_leeway: number;
  verbose_oidc_logging: boolean;
  /** Seconds; when set, the provider must have authenticated the user this recently (OIDC max_age). */
  max_age: number;
  policies: string[];
  ttl: number;
  max_ttl: number;
  period: number;
  num_uses: number;
  bound_cidrs: string[];
}

const PREFIX = 'role/';

export const DEFAULT_CLOCK_SKEW_LEEWAY = 60;
export const DEFAULT_CLAIM_LEEWAY = 150;

export function newRole(): JwtRole {
  return {
    ...withTokenDefaults(undefined),
    role_type: 'oidc',
    bound_audiences: [],
    bound_subject: '',
    bound_claims_type: 'string',
    bound_claims: {},
    claim_mappings: {},
    user_claim: 'sub',
    user_claim_json_pointer: false,
    groups_claim: '',
    oidc_scopes: [],
    allowed_redirect_uris: [],
    clock_skew_leeway: DEFAULT_CLOCK_SKEW_LEEWAY,
    expiration_leeway: DEFAULT_CLAIM_LEEWAY,
    not_before_leeway: DEFAULT_CLAIM_LEEWAY,
    verbose_oidc_logging: false,
    max_age: 0,
    policies: [],
    ttl: 0,
    max_ttl: 0,
    period: 0,
    num_uses: 0,
    bound_cidrs: [],
  };
}

/** Role names are case-insensitive. */
export const canonicalRoleName = (name: string): string => name.toLowerCase();

export async function readRole(storage: Storage, name: string): Promise<JwtRole | null> {
  const stored = await getJson<Partial<JwtRole>>(storage, PREFIX + canonicalRoleName(name));
  return stored ? { ...newRole(), ...stored } : null;
}

export async function writeRole(storage: Storage, name: string, role: JwtRole): Promise<void> {
  await putJson(storage, PREFIX + canonicalRoleName(name), role);
}

export async function deleteRole(storage: Storage, name: string): Promise<void> {
  await storage.delete(PREFIX + canonicalRoleName(name));
}

export async function listRoles(storage: Storage): Promise<string[]> {
  return (await storage.list(PREFIX)).filter((k) => !k.endsWith('/'));
}
