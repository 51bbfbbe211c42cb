import { randomUUID } from 'node:crypto';
import {
  CofferError,
  definePath,
  type FieldSchema,
  genericNameRegex,
  listResponse,
  type PathDefinition,
  type Request,
  type Response,
  type TypedFieldData,
} from '@coffer/sdk';
import { cidrsAreSubset, tokenFieldSchemas } from '../token-fields/index.js';
import { roleNameField, type ApproleContext } from './context.js';
import { parseSecretIdMetadata } from './metadata.js';
import { validatedCidrs } from './role-fields.js';
import { canonicalRoleName, readRole, type RoleEntry } from './role-entry.js';
import { listAccessors, registerSecretId } from './secret-id-store.js';

const issueFields = {
  role_name: roleNameField,
  metadata: {
    type: 'string',
    description:
      'Metadata to attach to the secret ID, as a JSON object of string values (a string), optionally base64-encoded, or "key1=value1,key2=value2". It is added to the metadata of tokens issued with the secret ID.',
  },
  cidr_list: {
    type: 'comma-string-slice',
    description:
      'CIDR blocks the secret ID may be used from (comma-separated string or JSON list). When the role has secret_id_bound_cidrs, these must lie inside them.',
  },
  token_bound_cidrs: {
    ...tokenFieldSchemas()['token_bound_cidrs']!,
    type: 'comma-string-slice',
    description:
      'CIDR blocks that tokens issued with this secret ID may be used from. When the role has token_bound_cidrs, these must lie inside them.',
  },
  num_uses: {
    type: 'int',
    description: "How many logins this secret ID allows; overrides the role's secret_id_num_uses but may not exceed it.",
  },
  ttl: {
    type: 'duration',
    description: "How long this secret ID stays valid; overrides the role's secret_id_ttl but may not exceed it.",
  },
} satisfies Record<string, FieldSchema>;

const CUSTOM_SECRET_ID_FIELDS = {
  ...issueFields,
  secret_id: { type: 'string', description: 'The secret ID to register for the role.', displayAttrs: { sensitive: true } },
} satisfies Record<string, FieldSchema>;

export function pathSecretId(ctx: ApproleContext): PathDefinition[] {
  return [
    definePath({
      pattern: `role/${genericNameRegex('role_name')}/secret-id/?$`,
      fields: issueFields,
      operations: {
        update: {
          summary: 'Generate a secret ID for a role.',
          callback: (req, d) => issueSecretId(ctx, req, d, randomUUID()),
        },
        list: {
          summary: "List the accessors of a role's secret IDs.",
          callback: async (req, d) => {
            const name = canonicalRoleName(d.values.role_name);
            const role = await readRole(req.storage, name);
            if (!role) throw new CofferError('invalid_request', `role "${name}" does not exist`);
            return listResponse(await listAccessors(ctx, req.storage, name, role));
          },
        },
      },
      helpSynopsis: 'Generate a secret ID for a role, or list the accessors of its secret IDs.',
      helpDescription:
        'An update generates a new random secret ID and returns it once, with its accessor, TTL and use limit. ' +
        'Only an HMAC of the secret ID is stored. A LIST returns the accessors of the secret IDs of the role; use ' +
        'them with the secret-id-accessor endpoints.',
    }),
    definePath({
      pattern: `role/${genericNameRegex('role_name')}/custom-secret-id$`,
      fields: CUSTOM_SECRET_ID_FIELDS,
      operations: {
        update: {
          summary: 'Register a secret ID of your choosing for a role.',
          callback: (req, d) => issueSecretId(ctx, req, d, d.values.secret_id),
        },
      },
      helpSynopsis: 'Register a secret ID chosen by the caller.',
      helpDescription:
        'Like "secret-id", but the caller supplies the secret ID. It must not already be registered for the role.',
    }),
  ];
}

async function issueSecretId(ctx: ApproleContext, req: Request, d: TypedFieldData<typeof issueFields>, secretId: string): Promise<Response> {
  const name = canonicalRoleName(d.values.role_name);
  if (secretId === '') throw new CofferError('invalid_request', 'missing secret_id');
  const role = await readRole(req.storage, name);
  if (!role) throw new CofferError('unsupported_path', `role "${name}" does not exist`);
  if (!role.bind_secret_id) throw new CofferError('invalid_request', 'bind_secret_id is not set on the role');

  const cidrList = validatedCidrs(d.values.cidr_list, 'cidr_list');
  requireSubset(role.secret_id_bound_cidrs, cidrList, 'secret_id_bound_cidrs', 'cidr_list');
  const tokenBoundCidrs = validatedCidrs(d.values.token_bound_cidrs, 'token_bound_cidrs');
  requireSubset(role.token_bound_cidrs, tokenBoundCidrs, 'token_bound_cidrs', 'token_bound_cidrs');

  const numUses = usesFor(role, d);
  const ttl = ttlFor(role, d);
  const metadata = parseSecretIdMetadata(d.values.metadata);

  // A TTL above the mount's max lease TTL is capped to it.
  const maxLease = await ctx.system.maxLeaseTtl();
  const effectiveTtl = ttl < 0 || ttl > maxLease ? maxLease : ttl;
  const entry = await registerSecretId(ctx, req.storage, name, role, secretId, {
    numUses,
    ttl,
    effectiveTtl,
    metadata,
    cidrList,
    tokenBoundCidrs,
  });
  return {
    data: {
      secret_id: secretId,
      secret_id_accessor: entry.secret_id_accessor,
      secret_id_ttl: effectiveTtl,
      secret_id_num_uses: entry.secret_id_num_uses,
    },
  };
}

function requireSubset(roleCidrs: readonly string[], requested: readonly string[], roleField: string, field: string): void {
  if (requested.length === 0 || roleCidrs.length === 0) return;
  if (!cidrsAreSubset(roleCidrs, requested)) {
    throw new CofferError(
      'invalid_request',
      `failed to verify subset relationship between CIDR blocks on the role ${JSON.stringify(roleCidrs)} and CIDR blocks on the secret ID ${JSON.stringify(requested)}: every block of ${field} must lie inside the role's ${roleField}`,
    );
  }
}

/** num_uses may narrow the role's limit, never widen it (0 is "unlimited", the widest). */
function usesFor(role: RoleEntry, d: TypedFieldData<typeof issueFields>): number {
  const sent = d.has('num_uses');
  const numUses = d.values.num_uses;
  if (!sent) return role.secret_id_num_uses;
  const value = numUses;
  if (value < 0) throw new CofferError('invalid_request', 'num_uses cannot be negative');
  if (role.secret_id_num_uses > 0 && (value === 0 || value > role.secret_id_num_uses)) {
    throw new CofferError('invalid_request', "num_uses cannot be higher than the role's secret_id_num_uses");
  }
  return value;
}

/** ttl may shorten the role's secret_id_ttl, never lengthen it (0 is "no expiry", the longest). */
function ttlFor(role: RoleEntry, d: TypedFieldData<typeof issueFields>): number {
  const sent = d.has('ttl');
  const ttl = d.values.ttl;
  if (!sent) return role.secret_id_ttl;
  const value = ttl;
  if (role.secret_id_ttl > 0 && (value === 0 || value > role.secret_id_ttl)) {
    throw new CofferError('invalid_request', "ttl cannot be longer than the role's secret_id_ttl");
  }
  return value;
}
