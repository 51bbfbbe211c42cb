import { randomUUID } from 'node:crypto';
import {
  CofferError,
  createFieldData,
  definePath,
  formatDuration,
  genericNameRegex,
  listResponse,
  type FieldData,
  type PathDefinition,
  type Request,
  type Response,
  type TypedFieldData,
} from '@coffer/sdk';
import {
  parseTokenFields,
  sanitizePolicies,
  tokenFieldSchemas,
  tokenParamsData,
  upgradeLegacyField,
} from '../token-fields/index.js';
import { ROLES_LOCK, roleNameField, type ApproleContext } from './context.js';
import {
  canonicalRoleName,
  deleteRoleEntry,
  deleteRoleIdIndex,
  hasConstraint,
  listRoles,
  newRoleEntry,
  readRole,
  writeRole,
  type RoleEntry,
} from './role-entry.js';
import { firstOf, roleFieldSchemas, validatedCidrs } from './role-fields.js';
import { flushRoleSecretIds } from './secret-id-store.js';

type RoleNameFields = TypedFieldData<{ role_name: typeof roleNameField }>;

export function pathRoles(ctx: ApproleContext): PathDefinition[] {
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
    definePath({
      pattern: `role/${genericNameRegex('role_name')}`,
      fields: { role_name: roleNameField, ...roleFieldSchemas, ...tokenFieldSchemas() },
      existenceCheck: async (req, d) => (await readRole(req.storage, d.values.role_name)) !== null,
      operations: {
        create: { callback: (req, d) => writeRoleFromRequest(ctx, req, d), summary: 'Create a role.' },
        update: { callback: (req, d) => writeRoleFromRequest(ctx, req, d), summary: 'Update a role.' },
        read: { callback: readRoleResponse, summary: 'Read a role.' },
        delete: { callback: (req, d) => deleteRole(ctx, req, d), summary: 'Delete a role and all its secret IDs.' },
      },
      helpSynopsis: 'Create, read, update or delete a role.',
      helpDescription:
        'A role describes a machine or application that logs in with a role ID and (when bind_secret_id is true) a ' +
        'secret ID issued for the role. Its fields set the limits on those secret IDs and the token_* settings of ' +
        'the tokens the logins receive. An update changes only the fields it sends. Deleting a role destroys its ' +
        'secret IDs.',
      displayAttrs: { action: 'Create', itemType: 'Role' },
    }),
  ];
}

async function writeRoleFromRequest(ctx: ApproleContext, req: Request, input: RoleNameFields): Promise<Response | null> {
  const name = canonicalRoleName(input.values.role_name);
  const warnings: string[] = [];
  // "default-service"/"default-batch" mean nothing for a role; Vault adjusts them with a warning.
  // The rest reads through `d`, which may be rebuilt with an adjusted token_type: plain FieldData from here on.
  let d: FieldData = input;
  const rawType = input.raw['token_type'];
  if (rawType === 'default-service' || rawType === 'default-batch') {
    const adjusted = rawType === 'default-service' ? 'service' : 'batch';
    warnings.push(`${rawType} has no useful meaning; adjusting to ${adjusted}`);
    d = createFieldData({ ...input.raw, token_type: adjusted }, input.schema);
  }

  return ctx.locks.run(ROLES_LOCK, async () => {
    const existing = await readRole(req.storage, name);
    if (!existing && req.operation !== 'create') throw new CofferError('unsupported_path', `role name "${name}" doesn't exist`);
    const creating = existing === null;
    const previousRoleId = existing?.role_id ?? '';
    const role: RoleEntry = parseTokenFields(existing ?? newRoleEntry(), d);

    const [local, hasLocal] = d.getOk<boolean>('local_secret_ids');
    if (hasLocal) {
      if (!creating) throw new CofferError('invalid_request', 'local_secret_ids can only be modified during role creation');
      role.local_secret_ids = local ?? false;
    }

    const [roleId, hasRoleId] = d.getOk<string>('role_id');
    if (hasRoleId) role.role_id = roleId ?? '';
    else if (creating) role.role_id = randomUUID();
    if (role.role_id === '') throw new CofferError('invalid_request', 'invalid role_id supplied, or failed to generate a role_id');

    const [bind, hasBind] = d.getOk<boolean>('bind_secret_id');
    if (hasBind) role.bind_secret_id = bind ?? true;

    const [cidrs, hasCidrs] = firstOf<string[]>(d, 'secret_id_bound_cidrs', 'bound_cidr_list');
    if (hasCidrs) role.secret_id_bound_cidrs = validatedCidrs(cidrs ?? [], 'secret_id_bound_cidrs');

    const [numUses, hasNumUses] = d.getOk<number>('secret_id_num_uses');
    if (hasNumUses) role.secret_id_num_uses = numUses ?? 0;
    if (role.secret_id_num_uses < 0) throw new CofferError('invalid_request', 'secret_id_num_uses cannot be negative');

    const [ttl, hasTtl] = d.getOk<number>('secret_id_ttl');
    if (hasTtl) role.secret_id_ttl = ttl ?? 0;

    upgradeLegacyField(role, d, 'policies', 'token_policies', [], sanitizePolicies);
    upgradeLegacyField(role, d, 'period', 'token_period', 0);

    const maxLease = await ctx.system.maxLeaseTtl();
    if (role.period > maxLease) {
      throw new CofferError(
        'invalid_request',
        `period of "${formatDuration(role.period)}" is greater than the backend's maximum lease TTL of "${formatDuration(maxLease)}"`,
      );
    }
    if (role.token_max_ttl > maxLease) {
      warnings.push("token_max_ttl is greater than the backend mount's maximum TTL value; issued tokens' max TTL value will be truncated");
    }

    await writeRole(ctx, req.storage, name, role, previousRoleId);
    return warnings.length > 0 ? { warnings } : null;
  });
}

async function readRoleResponse(req: Request, d: RoleNameFields): Promise<Response | null> {
  const role = await readRole(req.storage, d.values.role_name);
  if (!role) return null;
  const data: Record<string, unknown> = {
    bind_secret_id: role.bind_secret_id,
    // Vault reports an unset list as null here.
    secret_id_bound_cidrs: role.secret_id_bound_cidrs.length > 0 ? [...role.secret_id_bound_cidrs] : null,
    secret_id_num_uses: role.secret_id_num_uses,
    secret_id_ttl: role.secret_id_ttl,
    local_secret_ids: role.local_secret_ids,
    ...tokenParamsData(role),
  };
  if (role.period !== 0) data['period'] = role.period;
  if (role.policies.length > 0) data['policies'] = [...role.policies];
  const resp: Response = { data };
  if (!hasConstraint(role)) {
    resp.warnings = ['Role does not have any constraints set on it. Updates to this role will require a constraint to be set'];
  }
  return resp;
}

async function deleteRole(ctx: ApproleContext, req: Request, d: RoleNameFields): Promise<null> {
  const name = canonicalRoleName(d.values.role_name);
  return ctx.locks.run(ROLES_LOCK, async () => {
    const role = await readRole(req.storage, name);
    if (!role) return null;
    await flushRoleSecretIds(ctx, req.storage, name, role);
    await deleteRoleIdIndex(ctx, req.storage, role.role_id);
    await deleteRoleEntry(req.storage, name);
    return null;
  });
}
