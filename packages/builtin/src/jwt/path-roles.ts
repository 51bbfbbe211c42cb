import {
  CofferError,
  genericNameRegex,
  listResponse,
  parseDuration,
  type FieldData,
  type PathDefinition,
  type Request,
  type Response,
} from '@coffer/sdk';
import { normalizeCidrList, parseTokenFields, sanitizePolicies, tokenFieldSchemas, tokenParamsData, upgradeLegacyField } from '../token-fields/index.js';
import { deleteRole, listRoles, newRole, readRole, writeRole, type BoundClaimsType, type JwtRole, type RoleType } from './role-entry.js';
import { ROLE_READ_FIELDS, roleFieldSchemas } from './role-fields.js';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

export function pathRoles(): PathDefinition[] {
  return [
    {
      pattern: 'role/?',
      operations: {
        list: { callback: async (req) => listResponse(await listRoles(req.storage)), summary: 'List the roles.' },
      },
      helpSynopsis: 'List the roles of this auth method.',
      helpDescription: 'A LIST on this path returns the names of all roles (lower-cased).',
      displayAttrs: { navigation: true, itemType: 'Role' },
    },
    {
      pattern: `role/${genericNameRegex('name')}`,
      fields: { name: { type: 'string', description: 'Name of the role (case-insensitive).' }, ...roleFieldSchemas, ...tokenFieldSchemas() },
      existenceCheck: async (req, d) => (await readRole(req.storage, d.get<string>('name'))) !== null,
      operations: {
        create: { callback: writeRoleFromRequest, summary: 'Create a role.' },
        update: { callback: writeRoleFromRequest, summary: 'Update a role.' },
        read: { callback: readRoleResponse, summary: 'Read a role.' },
        delete: {
          callback: async (req, d) => {
            await deleteRole(req.storage, d.get<string>('name'));
            return null;
          },
          summary: 'Delete a role.',
        },
      },
      helpSynopsis: 'Create, read, update or delete a role.',
      helpDescription:
        'A role says which tokens may log in and what they get. A "jwt" role checks a JWT sent to "login" (its ' +
        'bound_audiences, bound_subject and bound_claims, and at least one of them or token_bound_cidrs is required); an ' +
        '"oidc" role drives the browser flow through "oidc/auth_url" and "oidc/callback" and needs allowed_redirect_uris. ' +
        'user_claim names the user, groups_claim lists their groups, claim_mappings copies claims into metadata. An ' +
        'update changes only the fields it sends.',
      displayAttrs: { action: 'Create', itemType: 'Role' },
    },
  ];
}

async function writeRoleFromRequest(req: Request, d: FieldData): Promise<Response | null> {
  const name = d.get<string>('name');
  const existing = await readRole(req.storage, name);
  const role: JwtRole = parseTokenFields(existing ?? newRole(), d);
  const warnings: string[] = [];

  const [roleType, hasRoleType] = d.getOk<string>('role_type');
  if (hasRoleType && roleType !== '') {
    if (roleType !== 'jwt' && roleType !== 'oidc') throw invalid(`invalid 'role_type': ${roleType}`);
    role.role_type = roleType as RoleType;
  }

  upgradeLegacyField(role, d, 'policies', 'token_policies', [], sanitizePolicies);
  upgradeLegacyField(role, d, 'ttl', 'token_ttl', 0);
  upgradeLegacyField(role, d, 'max_ttl', 'token_max_ttl', 0);
  upgradeLegacyField(role, d, 'period', 'token_period', 0);
  upgradeLegacyField(role, d, 'num_uses', 'token_num_uses', 0);
  upgradeLegacyField(role, d, 'bound_cidrs', 'token_bound_cidrs', [], (raw: string[]) => normalizeCidrList(raw, 'bound_cidrs'));

  for (const field of ['clock_skew_leeway', 'expiration_leeway', 'not_before_leeway'] as const) {
    const [value, sent] = d.getOk<string>(field);
    if (sent) role[field] = parseLeeway(field, value ?? '');
  }

  const [audiences, hasAudiences] = d.getOk<string[]>('bound_audiences');
  if (hasAudiences) role.bound_audiences = (audiences ?? []).map((a) => a.trim()).filter((a) => a !== '');
  const [subject, hasSubject] = d.getOk<string>('bound_subject');
  if (hasSubject) role.bound_subject = subject ?? '';

  const [claimsType, hasClaimsType] = d.getOk<string>('bound_claims_type');
  if (hasClaimsType) {
    if (claimsType !== 'string' && claimsType !== 'glob') throw invalid(`invalid 'bound_claims_type': ${claimsType}`);
    role.bound_claims_type = claimsType as BoundClaimsType;
  }
  const [boundClaims, hasBoundClaims] = d.getOk<Record<string, unknown>>('bound_claims');
  if (hasBoundClaims) role.bound_claims = boundClaims ?? {};
  checkBoundClaims(role);

  const [mappings, hasMappings] = d.getOk<Record<string, string>>('claim_mappings');
  if (hasMappings) role.claim_mappings = checkClaimMappings(mappings ?? {});

  const [userClaim, hasUserClaim] = d.getOk<string>('user_claim');
  if (hasUserClaim) role.user_claim = userClaim ?? '';
  if (role.user_claim === '') throw invalid('a user claim must be defined on the role');
  const [pointer, hasPointer] = d.getOk<boolean>('user_claim_json_pointer');
  if (hasPointer) role.user_claim_json_pointer = pointer ?? false;

  const [groupsClaim, hasGroupsClaim] = d.getOk<string>('groups_claim');
  if (hasGroupsClaim) role.groups_claim = groupsClaim ?? '';
  const [scopes, hasScopes] = d.getOk<string[]>('oidc_scopes');
  if (hasScopes) role.oidc_scopes = (scopes ?? []).map((s) => s.trim()).filter((s) => s !== '');
  const [redirects, hasRedirects] = d.getOk<string[]>('allowed_redirect_uris');
  if (hasRedirects) role.allowed_redirect_uris = (redirects ?? []).map((s) => s.trim()).filter((s) => s !== '');
  const [verbose, hasVerbose] = d.getOk<boolean>('verbose_oidc_logging');
  if (hasVerbose) role.verbose_oidc_logging = verbose ?? false;
  const [maxAge, hasMaxAge] = d.getOk<number>('max_age');
  if (hasMaxAge) role.max_age = maxAge ?? 0;

  if (role.role_type === 'oidc' && role.allowed_redirect_uris.length === 0) {
    throw invalid("'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
  }
  // The OIDC flow checks the audience against the client ID; a JWT role must bind something.
  if (
    role.role_type === 'jwt' &&
    role.bound_audiences.length === 0 &&
    role.token_bound_cidrs.length === 0 &&
    role.bound_subject === '' &&
    Object.keys(role.bound_claims).length === 0
  ) {
    throw invalid('must have at least one bound constraint when creating/updating a role');
  }

  if (role.verbose_oidc_logging) {
    warnings.push(
      'verbose_oidc_logging has been enabled for this role. This is not recommended in production since sensitive information may be present in OIDC responses.',
    );
  }
  await writeRole(req.storage, name, role);
  return warnings.length > 0 ? { warnings } : null;
}

function parseLeeway(field: string, raw: string): number {
  try {
    return parseDuration(raw);
  } catch {
    throw invalid(`invalid '${field}': expected seconds or a duration such as "90s"`);
  }
}

function checkBoundClaims(role: JwtRole): void {
  for (const [claim, value] of Object.entries(role.bound_claims)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      const scalar = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      if (!scalar) throw invalid(`bound claim ${JSON.stringify(claim)} must be a string, number, bool or a list of them`);
      if (role.bound_claims_type === 'glob' && typeof v !== 'string') {
        throw invalid(`bound claim ${JSON.stringify(claim)} must be a string or a list of strings when bound_claims_type is "glob"`);
      }
    }
  }
}

function checkClaimMappings(mappings: Record<string, string>): Record<string, string> {
  const targets = new Set<string>();
  for (const target of Object.values(mappings)) {
    // "role" is set by the login itself.
    if (target === 'role') throw invalid(`metadata key "role" is reserved and may not be a mapping destination`);
    if (targets.has(target)) throw invalid(`multiple keys are mapped to metadata key ${JSON.stringify(target)}`);
    targets.add(target);
  }
  return { ...mappings };
}

async function readRoleResponse(req: Request, d: FieldData): Promise<Response | null> {
  const role = await readRole(req.storage, d.get<string>('name'));
  if (!role) return null;
  const data: Record<string, unknown> = {};
  for (const field of ROLE_READ_FIELDS) {
    const value = role[field];
    data[field] = Array.isArray(value) ? [...value] : typeof value === 'object' ? { ...value } : value;
  }
  Object.assign(data, tokenParamsData(role));
  // The deprecated names are reported only for roles written with them.
  if (role.policies.length > 0) data['policies'] = [...role.token_policies];
  if (role.ttl > 0) data['ttl'] = role.ttl;
  if (role.max_ttl > 0) data['max_ttl'] = role.max_ttl;
  if (role.period > 0) data['period'] = role.period;
  if (role.num_uses > 0) data['num_uses'] = role.num_uses;
  if (role.bound_cidrs.length > 0) data['bound_cidrs'] = [...role.bound_cidrs];
  return { data };
}
