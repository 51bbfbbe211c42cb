import type { FieldData, FieldSchema } from '@coffer/sdk';
import { legacyFieldSchema, parseCidrList } from '../token-fields/index.js';

/** The role settings other than the token_* ones, shared by the role path and the per-setting paths. */
export const roleFieldSchemas: Record<string, FieldSchema> = {
  bind_secret_id: {
    type: 'bool',
    default: true,
    description: 'Require a secret_id at login with this role. Defaults to true.',
  },
  secret_id_bound_cidrs: {
    type: 'comma-string-slice',
    description: 'CIDR blocks (comma-separated string or JSON list). When set, logins with this role are only accepted from these addresses.',
  },
  bound_cidr_list: legacyFieldSchema('comma-string-slice', 'secret_id_bound_cidrs'),
  secret_id_num_uses: {
    type: 'int',
    description: 'How many logins a secret ID of this role allows before it is used up; 0 (the default) means unlimited.',
  },
  secret_id_ttl: {
    type: 'duration',
    description: 'How long a secret ID of this role stays valid; 0 (the default) means it does not expire.',
  },
  local_secret_ids: {
    type: 'bool',
    description: 'Keep the secret IDs of this role local to this cluster. Can only be set when the role is created.',
  },
  role_id: { type: 'string', description: 'The role ID, the public half of the login credentials. Defaults to a random UUID.' },
  policies: legacyFieldSchema('comma-string-slice', 'token_policies'),
  period: legacyFieldSchema('duration', 'token_period'),
};

/** The value of the first of several fields the client sent (a new name before its deprecated alias); the names are parameters, hence getOk. */
export function firstOf<T>(d: FieldData, ...names: string[]): [T | undefined, boolean] {
  for (const name of names) {
    const [value, ok] = d.getOk<T>(name);
    if (ok) return [value, true];
  }
  return [undefined, false];
}

/** CIDR blocks as the client wrote them (trimmed), after checking that each one parses. */
export function validatedCidrs(values: readonly string[], field: string): string[] {
  const kept = values.map((v) => v.trim()).filter((v) => v !== '');
  parseCidrList(kept, field);
  return kept;
}
