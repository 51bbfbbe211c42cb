import { CofferError, type FieldData, type FieldSchema, type PathDefinition } from '@coffer/sdk';
import { applyRoleInput, ROLE_NAME_PATTERN, roleReadData, type RoleInput } from './role.js';
import type { TokenStore } from './store.js';

const roleFields: Record<string, FieldSchema> = {
  role_name: { type: 'string', description: 'Name of the role.' },
  allowed_policies: { type: 'comma-string-slice', description: 'Policies tokens of this role may have, whatever the caller has.' },
  disallowed_policies: { type: 'comma-string-slice', description: 'Policies tokens of this role may never have.' },
  allowed_policies_glob: { type: 'comma-string-slice', description: 'Like allowed_policies, with "*" globs.' },
  disallowed_policies_glob: { type: 'comma-string-slice', description: 'Like disallowed_policies, with "*" globs.' },
  orphan: { type: 'bool', description: 'Tokens of this role have no parent.' },
  period: { type: 'duration', deprecated: true, description: 'Use "token_period" instead.' },
  path_suffix: { type: 'string', description: 'Suffix added to the token path, for revoke-prefix by role revision.' },
  explicit_max_ttl: { type: 'duration', deprecated: true, description: 'Use "token_explicit_max_ttl" instead.' },
  renewable: { type: 'bool', default: true, description: 'Whether tokens of this role may be renewed.' },
  bound_cidrs: { type: 'comma-string-slice', deprecated: true, description: 'Use "token_bound_cidrs" instead.' },
  allowed_entity_aliases: { type: 'comma-string-slice', description: 'Entity aliases allowed at creation ("*" globs allowed).' },
  token_bound_cidrs: { type: 'comma-string-slice', description: 'CIDR blocks tokens of this role may be used from.' },
  token_explicit_max_ttl: { type: 'duration', description: 'Hard limit on the lifetime of tokens of this role.' },
  token_period: { type: 'duration', description: 'Tokens of this role are periodic with this period.' },
  token_type: { type: 'string', description: 'service, batch, default-service or default-batch.' },
  token_no_default_policy: { type: 'bool', description: 'Do not attach the "default" policy.' },
  token_num_uses: { type: 'int', description: 'Number of uses of tokens of this role; 0 = unlimited.' },
};

/** auth/token/roles (list) and auth/token/roles/:role_name (CRUD). */
export function rolePaths(store: TokenStore): PathDefinition[] {
  const write = async (name: string, d: FieldData) => {
    const existing = await store.readRole(name);
    const { role, warnings } = applyRoleInput(existing, name, roleInput(d), (await store.ttlDefaults()).maxTtl);
    await store.writeRole(role);
    return warnings.length > 0 ? { warnings } : null;
  };
  return [
    {
      pattern: 'roles/?',
      operations: { list: { callback: async () => ({ data: { keys: await store.listRoles() } }), summary: 'List token roles.' } },
      helpSynopsis: 'List the configured roles.',
      helpDescription: 'Lists the token store roles.',
    },
    {
      pattern: `roles/(?<role_name>${ROLE_NAME_PATTERN})`,
      fields: roleFields,
      existenceCheck: async (_req, d) => {
        const name = d.get<string>('role_name');
        if (!name) throw new CofferError('invalid_request', 'role name cannot be empty');
        return (await store.readRole(name)) !== null;
      },
      operations: {
        read: {
          summary: 'Read a role.',
          callback: async (_req, d) => {
            const role = await store.readRole(d.get<string>('role_name'));
            return role ? { data: roleReadData(role) } : null;
          },
        },
        create: { callback: async (_req, d) => write(d.get<string>('role_name'), d), summary: 'Create a role.' },
        update: { callback: async (_req, d) => write(d.get<string>('role_name'), d), summary: 'Update a role.' },
        delete: {
          summary: 'Delete a role.',
          callback: async (_req, d) => {
            await store.deleteRole(d.get<string>('role_name'));
            return null;
          },
        },
      },
      helpSynopsis: 'Create, read, update and delete token roles.',
      helpDescription: 'A role lets callers create tokens with policies, TTLs and types chosen by the operator.',
    },
  ];
}

function roleInput(d: FieldData): RoleInput {
  const input: RoleInput = {};
  const names: (keyof RoleInput)[] = [
    'allowed_policies',
    'disallowed_policies',
    'allowed_policies_glob',
    'disallowed_policies_glob',
    'orphan',
    'renewable',
    'path_suffix',
    'period',
    'explicit_max_ttl',
    'bound_cidrs',
    'allowed_entity_aliases',
    'token_period',
    'token_explicit_max_ttl',
    'token_bound_cidrs',
    'token_no_default_policy',
    'token_num_uses',
  ];
  for (const name of names) {
    const [value, ok] = d.getOk(name);
    if (ok) (input as Record<string, unknown>)[name] = value;
  }
  if ('token_type' in d.raw) {
    input.token_type = d.raw['token_type'] === null ? null : d.get<string>('token_type');
  }
  return input;
}
