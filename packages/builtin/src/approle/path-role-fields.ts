import {
  CofferError,
  definePath,
  type FieldData,
  type FieldSchema,
  formatDuration,
  genericNameRegex,
  type PathDefinition,
  type Response,
  type Storage,
  type TypedFieldData,
} from '@coffer/sdk';
import { normalizeCidrList, sanitizePolicies, tokenFieldSchemas } from '../token-fields/index.js';
import { ROLES_LOCK, roleNameField, type ApproleContext } from './context.js';
import { firstOf, roleFieldSchemas, validatedCidrs } from './role-fields.js';
import { canonicalRoleName, readRole, writeRole, type RoleEntry } from './role-entry.js';

/**
 * One role setting exposed on its own path, "role/<name>/<suffix>", with
 * read, update and delete (delete restores the default), as Vault offers.
 */
interface RoleFieldSpec {
  suffix: string;
  fields: Record<string, FieldSchema>;
  read(role: RoleEntry): Response;
  /**
   * Apply the sent value to the role; throws when the value is missing or wrong.
   * `d` is plain FieldData (getOk by name): each spec declares different fields.
   */
  update(role: RoleEntry, d: FieldData, ctx: ApproleContext): Promise<void> | void;
  /** Absent for read-only settings. */
  reset?(role: RoleEntry): void;
  synopsis: string;
  description: string;
}

const token = tokenFieldSchemas();

function missing(field: string): CofferError {
  return new CofferError('invalid_request', `missing ${field}`);
}

// Dynamic: each spec names its own field, so the name is a parameter here.
function required<T>(d: FieldData, field: string): T {
  const [value, ok] = d.getOk<T>(field);
  if (!ok) throw missing(field);
  return value as T;
}

const specs: RoleFieldSpec[] = [
  {
    suffix: 'policies',
    fields: { policies: roleFieldSchemas['policies']!, token_policies: token['token_policies']! },
    read: (role) => {
      const data: Record<string, unknown> = { token_policies: [...role.token_policies] };
      if (role.policies.length > 0) data['policies'] = [...role.policies];
      return { data };
    },
    update: (role, d) => {
      const [tokenPolicies, hasTokenPolicies] = d.getOk<string[]>('token_policies');
      const [legacy, hasLegacy] = d.getOk<string[]>('policies');
      if (hasTokenPolicies) {
        role.token_policies = sanitizePolicies(tokenPolicies ?? []);
        role.policies = hasLegacy ? [...role.token_policies] : [];
      } else if (hasLegacy) {
        role.policies = sanitizePolicies(legacy ?? []);
        role.token_policies = [...role.policies];
      } else {
        throw missing('token_policies');
      }
    },
    reset: (role) => {
      role.token_policies = [];
      role.policies = [];
    },
    synopsis: 'The policies of tokens issued through the role.',
    description: 'Reads, replaces or clears "token_policies" of the role (the deprecated "policies" is accepted too).',
  },
  {
    suffix: 'secret-id-num-uses',
    fields: { secret_id_num_uses: roleFieldSchemas['secret_id_num_uses']! },
    read: (role) => ({ data: { secret_id_num_uses: role.secret_id_num_uses } }),
    update: (role, d) => {
      const value = required<number>(d, 'secret_id_num_uses');
      if (value < 0) throw new CofferError('invalid_request', 'secret_id_num_uses cannot be negative');
      role.secret_id_num_uses = value;
    },
    reset: (role) => {
      role.secret_id_num_uses = 0;
    },
    synopsis: 'How many logins a secret ID of the role allows.',
    description:
      'Sets the use limit given to secret IDs issued for the role from now on; a request for a secret ID may ask for fewer uses with "num_uses". 0 means unlimited.',
  },
  {
    suffix: 'secret-id-ttl',
    fields: { secret_id_ttl: roleFieldSchemas['secret_id_ttl']! },
    read: (role) => ({ data: { secret_id_ttl: role.secret_id_ttl } }),
    update: (role, d) => {
      role.secret_id_ttl = required<number>(d, 'secret_id_ttl');
    },
    reset: (role) => {
      role.secret_id_ttl = 0;
    },
    synopsis: 'How long a secret ID of the role stays valid.',
    description:
      'Sets the lifetime of secret IDs issued for the role from now on; a request for a secret ID may ask for a shorter one with "ttl". 0 means no expiry.',
  },
  {
    suffix: 'token-num-uses',
    fields: { token_num_uses: token['token_num_uses']! },
    read: (role) => ({ data: { token_num_uses: role.token_num_uses } }),
    update: (role, d) => {
      const value = required<number>(d, 'token_num_uses');
      if (value < 0) throw new CofferError('invalid_request', "'token_num_uses' cannot be negative");
      role.token_num_uses = value;
    },
    reset: (role) => {
      role.token_num_uses = 0;
    },
    synopsis: 'How many requests a token issued through the role may make.',
    description: 'Reads, sets or clears "token_num_uses" of the role. 0 means no limit.',
  },
  {
    suffix: 'token-ttl',
    fields: { token_ttl: token['token_ttl']! },
    read: (role) => ({ data: { token_ttl: role.token_ttl } }),
    update: (role, d) => {
      const value = required<number>(d, 'token_ttl');
      if (role.token_max_ttl > 0 && value > role.token_max_ttl) {
        throw new CofferError('invalid_request', 'token_ttl should not be greater than token_max_ttl');
      }
      role.token_ttl = value;
    },
    reset: (role) => {
      role.token_ttl = 0;
    },
    synopsis: 'The initial TTL of tokens issued through the role.',
    description: 'Reads, sets or clears "token_ttl" of the role. 0 means the mount\'s default TTL.',
  },
  {
    suffix: 'token-max-ttl',
    fields: { token_max_ttl: token['token_max_ttl']! },
    read: (role) => ({ data: { token_max_ttl: role.token_max_ttl } }),
    update: (role, d) => {
      const value = required<number>(d, 'token_max_ttl');
      if (value > 0 && role.token_ttl > value) {
        throw new CofferError('invalid_request', 'token_max_ttl should be greater than or equal to token_ttl');
      }
      role.token_max_ttl = value;
    },
    reset: (role) => {
      role.token_max_ttl = 0;
    },
    synopsis: 'The maximum TTL of tokens issued through the role.',
    description: 'Reads, sets or clears "token_max_ttl" of the role. 0 means the mount\'s maximum.',
  },
  {
    suffix: 'period',
    fields: { period: roleFieldSchemas['period']!, token_period: token['token_period']! },
    read: (role) => {
      const data: Record<string, unknown> = { token_period: role.token_period };
      if (role.period > 0) data['period'] = role.period;
      return { data };
    },
    update: async (role, d, ctx) => {
      const [tokenPeriod, hasTokenPeriod] = d.getOk<number>('token_period');
      const [legacy, hasLegacy] = d.getOk<number>('period');
      if (hasTokenPeriod) {
        role.token_period = tokenPeriod ?? 0;
        role.period = hasLegacy ? role.token_period : 0;
      } else if (hasLegacy) {
        role.period = legacy ?? 0;
        role.token_period = role.period;
      } else {
        throw missing('period');
      }
      const maxLease = await ctx.system.maxLeaseTtl();
      if (role.token_period > maxLease) {
        throw new CofferError(
          'invalid_request',
          `period of "${formatDuration(role.token_period)}" is greater than the backend's maximum lease TTL of "${formatDuration(maxLease)}"`,
        );
      }
    },
    reset: (role) => {
      role.token_period = 0;
      role.period = 0;
    },
    synopsis: 'The period of tokens issued through the role.',
    description:
      'Reads, sets or clears "token_period" of the role (the deprecated "period" is accepted too). Tokens with a period have no maximum lifetime; every renewal resets their TTL to the period.',
  },
  {
    suffix: 'bind-secret-id',
    fields: { bind_secret_id: roleFieldSchemas['bind_secret_id']! },
    read: (role) => ({ data: { bind_secret_id: role.bind_secret_id } }),
    update: (role, d) => {
      role.bind_secret_id = required<boolean>(d, 'bind_secret_id');
    },
    reset: (role) => {
      role.bind_secret_id = true;
    },
    synopsis: 'Whether logins with the role need a secret ID.',
    description: 'When true (the default), a login must present a secret_id issued for the role as well as its role_id.',
  },
  {
    suffix: 'secret-id-bound-cidrs',
    fields: { secret_id_bound_cidrs: roleFieldSchemas['secret_id_bound_cidrs']! },
    read: (role) => ({ data: { secret_id_bound_cidrs: role.secret_id_bound_cidrs.length > 0 ? [...role.secret_id_bound_cidrs] : null } }),
    update: (role, d) => {
      const cidrs = validatedCidrs(required<string[]>(d, 'secret_id_bound_cidrs'), 'secret_id_bound_cidrs');
      if (cidrs.length === 0) throw missing('secret_id_bound_cidrs');
      role.secret_id_bound_cidrs = cidrs;
    },
    reset: (role) => {
      role.secret_id_bound_cidrs = [];
    },
    synopsis: 'The addresses logins with the role are accepted from.',
    description: 'CIDR blocks; a login from an address outside all of them is refused.',
  },
  {
    suffix: 'bound-cidr-list',
    fields: { bound_cidr_list: roleFieldSchemas['bound_cidr_list']! },
    read: (role) => ({
      data: { bound_cidr_list: role.secret_id_bound_cidrs.length > 0 ? [...role.secret_id_bound_cidrs] : null },
      warnings: ['The "bound_cidr_list" field is deprecated and will be removed. Please use "secret_id_bound_cidrs" instead.'],
    }),
    update: (role, d) => {
      const [cidrs] = firstOf<string[]>(d, 'bound_cidr_list');
      const kept = validatedCidrs(cidrs ?? [], 'bound_cidr_list');
      if (kept.length === 0) throw missing('bound_cidr_list');
      role.secret_id_bound_cidrs = kept;
    },
    reset: (role) => {
      role.secret_id_bound_cidrs = [];
    },
    synopsis: 'Deprecated: use "secret-id-bound-cidrs".',
    description: 'The old name of the secret_id_bound_cidrs setting of the role.',
  },
  {
    suffix: 'token-bound-cidrs',
    fields: { token_bound_cidrs: token['token_bound_cidrs']! },
    read: (role) => ({ data: { token_bound_cidrs: [...role.token_bound_cidrs] } }),
    update: (role, d) => {
      role.token_bound_cidrs = normalizeCidrList(required<string[]>(d, 'token_bound_cidrs'), 'token_bound_cidrs');
    },
    reset: (role) => {
      role.token_bound_cidrs = [];
    },
    synopsis: 'The addresses tokens issued through the role may be used from.',
    description: 'CIDR blocks or addresses attached to issued tokens; the token is refused from anywhere else.',
  },
  {
    suffix: 'local-secret-ids',
    fields: {},
    read: (role) => ({ data: { local_secret_ids: role.local_secret_ids } }),
    update: () => {
      throw new CofferError('invalid_request', 'local_secret_ids can only be modified during role creation');
    },
    synopsis: 'Whether the secret IDs of the role stay on this cluster.',
    description: 'Read-only: set when the role is created.',
  },
];

type SpecPathFields = { role_name: typeof roleNameField } & Record<string, FieldSchema>;

export function pathRoleFields(ctx: ApproleContext): PathDefinition[] {
  return specs.map((spec) => {
    const readOnly = spec.reset === undefined;
    return definePath<SpecPathFields>({
      pattern: `role/${genericNameRegex('role_name')}/${spec.suffix}$`,
      // role_name first, as before; the spec's own fields are read through the spec (their names vary).
      fields: { role_name: roleNameField, ...spec.fields },
      operations: {
        read: {
          summary: `Read ${spec.suffix} of a role.`,
          callback: async (req, d) => {
            const role = await readRole(req.storage, d.values.role_name);
            return role ? spec.read(role) : null;
          },
        },
        ...(readOnly
          ? {}
          : {
              update: {
                summary: `Set ${spec.suffix} of a role.`,
                callback: (req, d) => mutateRole(ctx, req.storage, d, true, (role) => spec.update(role, d, ctx)),
              },
              delete: {
                summary: `Reset ${spec.suffix} of a role to its default.`,
                callback: (req, d) => mutateRole(ctx, req.storage, d, false, (role) => spec.reset!(role)),
              },
            }),
      },
      helpSynopsis: spec.synopsis,
      helpDescription: spec.description,
    });
  });
}

/**
 * Read-modify-write of one role under the roles lock. An update of a missing
 * role is an unsupported path (as Vault answers); a delete of one is a no-op.
 */
export async function mutateRole(
  ctx: ApproleContext,
  storage: Storage,
  d: TypedFieldData<{ role_name: typeof roleNameField }>,
  mustExist: boolean,
  change: (role: RoleEntry) => Promise<void> | void,
): Promise<null> {
  const name = canonicalRoleName(d.values.role_name);
  return ctx.locks.run(ROLES_LOCK, async () => {
    const role = await readRole(storage, name);
    if (!role) {
      if (mustExist) throw new CofferError('unsupported_path', `role "${name}" does not exist`);
      return null;
    }
    const previousRoleId = role.role_id;
    await change(role);
    await writeRole(ctx, storage, name, role, previousRoleId);
    return null;
  });
}
