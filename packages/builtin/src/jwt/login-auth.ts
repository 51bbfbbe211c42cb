import { CofferError, type Alias, type Auth, type Request } from '@coffer/sdk';
import { addressInCidrs, applyTokenParams } from '../token-fields/index.js';
import { ClaimError, extractMetadata, getClaim, normalizeList, plainClaim, validateBoundClaims } from './claims.js';
import type { JwtRole } from './role-entry.js';
import type { Claims } from './verify-jwt.js';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

/**
 * The token a verified set of claims earns under a role (shared by the JWT
 * login and the OIDC callback): the alias named by user_claim, metadata from
 * claim_mappings plus the role name, group aliases from groups_claim, after
 * the bound claims are checked.
 */
export function authForClaims(roleName: string, role: JwtRole, claims: Claims): Auth {
  let alias: Alias;
  let groupAliases: Alias[];
  try {
    alias = userAlias(roleName, role, claims);
    groupAliases = groupAliasesOf(role, claims);
  } catch (err) {
    if (err instanceof ClaimError) throw invalid(err.message);
    throw err;
  }
  try {
    validateBoundClaims(role.bound_claims, role.bound_claims_type, claims);
  } catch (err) {
    if (err instanceof ClaimError) throw invalid(`error validating claims: ${err.message}`);
    throw err;
  }
  const metadata = { ...(alias.metadata ?? {}) };
  return applyTokenParams(
    { metadata, displayName: alias.name, alias, groupAliases, internalData: { role: roleName } },
    role,
  );
}

function userAlias(roleName: string, role: JwtRole, claims: Claims): Alias {
  // Unlike the other claim settings, user_claim is a JSON pointer only when the role says so.
  const raw = role.user_claim_json_pointer ? getClaim(claims, role.user_claim) : plainClaim(claims, role.user_claim);
  if (raw === undefined || raw === null) throw new ClaimError(`claim ${JSON.stringify(role.user_claim)} not found in token`);
  if (typeof raw !== 'string') throw new ClaimError(`claim ${JSON.stringify(role.user_claim)} could not be converted to string`);
  const metadata = extractMetadata(claims, role.claim_mappings);
  metadata['role'] = roleName;
  return { name: raw, metadata };
}

function groupAliasesOf(role: JwtRole, claims: Claims): Alias[] {
  if (role.groups_claim === '') return [];
  const raw = getClaim(claims, role.groups_claim);
  if (raw === undefined || raw === null) throw new ClaimError(`failed to fetch groups: ${JSON.stringify(role.groups_claim)} claim not found in token`);
  const groups = normalizeList(raw);
  if (!groups) throw new ClaimError(`${JSON.stringify(role.groups_claim)} claim could not be converted to string list`);
  const aliases: Alias[] = [];
  for (const group of groups) {
    if (typeof group !== 'string') throw new ClaimError(`a value in the ${JSON.stringify(role.groups_claim)} claim could not be parsed as string`);
    if (group !== '') aliases.push({ name: group });
  }
  return aliases;
}

/** token_bound_cidrs are checked before any work on the token, as Vault does. */
export function checkBoundCidrs(req: Request, role: JwtRole): void {
  if (role.token_bound_cidrs.length === 0) return;
  const remote = req.connection?.remoteAddress;
  if (!remote || !addressInCidrs(remote, role.token_bound_cidrs)) throw new CofferError('permission_denied', 'permission denied');
}
