import { createHash, timingSafeEqual } from 'node:crypto';
import { type Auth, CofferError, definePath, type FieldSchema, type OperationCallback, type PathDefinition, putJson, type Request, type TypedFieldData } from '@coffer/sdk';
import { addressInCidrs, applyTokenParams, cidrsAreSubset, normalizeCidrList } from '../token-fields/index.js';
import { secretIdLockKey, type ApproleContext } from './context.js';
import { readRole, roleNameForRoleId, type RoleEntry } from './role-entry.js';
import {
  accessorExists,
  entryKey,
  isExpired,
  loadSecretId,
  locateSecretId,
  removeSecretId,
  type SecretIdEntry,
  type SecretIdLocation,
} from './secret-id-store.js';

/** One answer for an unknown role ID, an unknown, used-up or expired secret ID: nothing to learn from it. */
const INVALID_CREDENTIALS = 'invalid role or secret ID';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

const LOGIN_FIELDS = {
  role_id: { type: 'string', description: 'The role ID of the role to log in with.' },
  secret_id: {
    type: 'string',
    default: '',
    description: 'A secret ID issued for the role; required when the role has bind_secret_id set.',
    displayAttrs: { sensitive: true },
  },
} satisfies Record<string, FieldSchema>;

export function pathLogin(ctx: ApproleContext): PathDefinition {
  return definePath({
    pattern: 'login$',
    fields: LOGIN_FIELDS,
    operations: {
      update: { summary: 'Log in with a role ID and a secret ID.', callback: (req, d) => login(ctx, req, d) },
      'alias-lookahead': {
        summary: 'Tell the core which alias a login on this path would use.',
        callback: async (_req, d) => ({ auth: aliasOnlyAuth(requireRoleId(d)) }),
      },
      'resolve-role': {
        summary: 'Tell the core which role a login on this path would use.',
        callback: async (req, d) => {
          const { name } = await roleForRoleId(ctx, req, requireRoleId(d));
          return { data: { role: name } };
        },
      },
    },
    helpSynopsis: 'Log in with a role ID and a secret ID, and receive a token.',
    helpDescription:
      'The role_id is always required; the secret_id is required when the role has bind_secret_id set (the ' +
      'default). Read the role ID at "role/<role_name>/role-id" and generate secret IDs at ' +
      '"role/<role_name>/secret-id". A secret ID with a use limit loses one use per login and disappears at zero.',
  });
}

async function login(ctx: ApproleContext, req: Request, d: TypedFieldData<typeof LOGIN_FIELDS>): Promise<{ auth: Auth }> {
  const { name, role } = await roleForRoleId(ctx, req, requireRoleId(d));
  const remote = req.connection?.remoteAddress ?? '';

  // The role's CIDR restriction is checked before a secret ID use is spent.
  if (role.secret_id_bound_cidrs.length > 0) {
    if (remote === '') throw invalid('failed to get connection information');
    if (!addressInCidrs(remote, role.secret_id_bound_cidrs)) {
      throw invalid(`source address ${JSON.stringify(remote)} unauthorized by CIDR restrictions on the role`);
    }
  }

  let metadata: Record<string, string> = {};
  let tokenBoundCidrs = [...role.token_bound_cidrs];
  if (role.bind_secret_id) {
    const secretId = d.values.secret_id.trim();
    if (secretId === '') throw invalid('missing secret_id');
    const loc = await locateSecretId(ctx, req.storage, name, role, secretId);
    const entry = await ctx.locks.run(secretIdLockKey(loc.secretIdHmac), () => consumeSecretId(ctx, req, role, loc, remote));
    metadata = { ...entry.metadata };
    if (entry.token_bound_cidrs.length > 0) tokenBoundCidrs = normalizeCidrList(entry.token_bound_cidrs, 'token_bound_cidrs');
  }
  // Always present, so tokens can be told apart by role.
  metadata['role_name'] = name;

  const auth = applyTokenParams(
    {
      metadata,
      displayName: '',
      internalData: { role_name: name },
      alias: { name: role.role_id, metadata: { ...metadata } },
    },
    role,
  );
  auth.boundCidrs = tokenBoundCidrs;
  return { auth };
}

/**
 * Validate a secret ID and spend one use of it. Runs under the secret ID's
 * lock, so concurrent logins with a single-use secret ID cannot both pass.
 */
async function consumeSecretId(ctx: ApproleContext, req: Request, role: RoleEntry, loc: SecretIdLocation, remote: string): Promise<SecretIdEntry> {
  const entry = await loadSecretId(req.storage, loc);
  if (!entry) throw invalid(INVALID_CREDENTIALS);
  if (!(await accessorExists(ctx, req.storage, loc.prefixes, entry.secret_id_accessor))) {
    // Half-deleted (its accessor is gone): finish the deletion.
    await removeSecretId(ctx, req.storage, loc, null);
    throw invalid(INVALID_CREDENTIALS);
  }
  if (isExpired(entry, ctx.now())) {
    await removeSecretId(ctx, req.storage, loc, entry);
    throw invalid(INVALID_CREDENTIALS);
  }
  if (entry.cidr_list.length > 0) {
    if (role.secret_id_bound_cidrs.length > 0 && !cidrsAreSubset(role.secret_id_bound_cidrs, entry.cidr_list)) {
      throw invalid('the CIDR blocks of the secret ID are no longer inside the secret_id_bound_cidrs of the role');
    }
    if (remote === '') throw invalid('failed to get connection information');
    if (!addressInCidrs(remote, entry.cidr_list)) {
      throw invalid(`source address ${JSON.stringify(remote)} unauthorized through CIDR restrictions on the secret ID`);
    }
  }
  if (entry.secret_id_num_uses === 1) {
    await removeSecretId(ctx, req.storage, loc, entry);
  } else if (entry.secret_id_num_uses > 1) {
    await putJson(req.storage, entryKey(loc), {
      ...entry,
      secret_id_num_uses: entry.secret_id_num_uses - 1,
      last_updated_time: new Date(ctx.now()).toISOString(),
    });
  }
  return entry;
}

function requireRoleId(d: TypedFieldData<typeof LOGIN_FIELDS>): string {
  const roleId = d.values.role_id.trim();
  if (roleId === '') throw invalid('missing role_id');
  return roleId;
}

async function roleForRoleId(ctx: ApproleContext, req: Request, roleId: string): Promise<{ name: string; role: RoleEntry }> {
  const name = await roleNameForRoleId(ctx, req.storage, roleId);
  const role = name === null ? null : await readRole(req.storage, name);
  // The index and the role are written separately; insist that they agree.
  if (name === null || !role || !sameSecret(role.role_id, roleId)) throw invalid(INVALID_CREDENTIALS);
  return { name, role };
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Renewal of a token issued by a login: refused once the role is gone;
 * otherwise the role's current TTLs and period apply.
 */
export function renewLogin(): OperationCallback {
  return async (req) => {
    const auth = req.auth;
    if (!auth) throw invalid('request has no auth to renew');
    const roleName = auth.internalData?.['role_name'];
    if (typeof roleName !== 'string' || roleName === '') throw invalid('failed to fetch role_name during renewal');
    const role = await readRole(req.storage, roleName);
    if (!role) throw invalid(`role ${JSON.stringify(roleName)} does not exist during renewal`);
    return { auth: { ...auth, ttl: role.token_ttl, maxTtl: role.token_max_ttl, period: role.token_period } };
  };
}

function aliasOnlyAuth(name: string): Auth {
  return { policies: [], metadata: {}, displayName: '', ttl: 0, maxTtl: 0, renewable: false, alias: { name } };
}
