import { CofferError } from '@coffer/sdk';
import { parseCidrs } from './cidr.js';
import { removeDuplicates, sanitizePolicies } from './policies.js';

export type RoleTokenType = 'service' | 'batch' | 'default-service' | 'default-batch';

/** A token store role, stored with Vault's field names. */
export interface TokenRole {
  name: string;
  allowed_policies: string[];
  disallowed_policies: string[];
  allowed_policies_glob: string[];
  disallowed_policies_glob: string[];
  orphan: boolean;
  /** Deprecated spelling of token_period, kept for reads. */
  period: number;
  path_suffix: string;
  /** Deprecated spelling of token_explicit_max_ttl, kept for reads. */
  explicit_max_ttl: number;
  renewable: boolean;
  /** Deprecated spelling of token_bound_cidrs, kept for reads. */
  bound_cidrs: string[];
  allowed_entity_aliases: string[] | null;
  token_period: number;
  token_explicit_max_ttl: number;
  token_bound_cidrs: string[];
  token_type: RoleTokenType;
  token_no_default_policy: boolean;
  token_num_uses: number;
}

/** Fields of a role write; absent fields keep their value on update and take the default on create. */
export interface RoleInput {
  allowed_policies?: string[];
  disallowed_policies?: string[];
  allowed_policies_glob?: string[];
  disallowed_policies_glob?: string[];
  orphan?: boolean;
  renewable?: boolean;
  path_suffix?: string;
  period?: number;
  explicit_max_ttl?: number;
  bound_cidrs?: string[];
  allowed_entity_aliases?: string[];
  token_period?: number;
  token_explicit_max_ttl?: number;
  token_bound_cidrs?: string[];
  /** null when the client sent an explicit null. */
  token_type?: string | null;
  token_no_default_policy?: boolean;
  token_num_uses?: number;
}

/** Role names as Vault's GenericNameRegex accepts them. */
export const ROLE_NAME_PATTERN = String.raw`\w(?:[\w\-.]*\w)?`;

// Vault checks the suffix with an unanchored match: it only has to contain such a run.
const PATH_SUFFIX_PATTERN = /\w[\w\-.]+\w/;

export function newRole(name: string): TokenRole {
  return {
    name,
    allowed_policies: [],
    disallowed_policies: [],
    allowed_policies_glob: [],
    disallowed_policies_glob: [],
    orphan: false,
    period: 0,
    path_suffix: '',
    explicit_max_ttl: 0,
    renewable: true,
    bound_cidrs: [],
    allowed_entity_aliases: null,
    token_period: 0,
    token_explicit_max_ttl: 0,
    token_bound_cidrs: [],
    token_type: 'default-service',
    token_no_default_policy: false,
    token_num_uses: 0,
  };
}

/** Fill fields an older stored role may lack, and map deprecated fields onto the token_ ones. */
export function normalizeRole(stored: Partial<TokenRole> & { name: string }): TokenRole {
  const role = { ...newRole(stored.name), ...stored };
  if ((role.token_type as string) === 'default' || !role.token_type) role.token_type = 'default-service';
  if (role.period > 0 && role.token_period === 0) role.token_period = role.period;
  if (role.explicit_max_ttl > 0 && role.token_explicit_max_ttl === 0) role.token_explicit_max_ttl = role.explicit_max_ttl;
  if (role.bound_cidrs.length > 0 && role.token_bound_cidrs.length === 0) role.token_bound_cidrs = [...role.bound_cidrs];
  return role;
}

/**
 * Apply a create/update of auth/token/roles/:name. Returns the role to
 * store and Vault's warnings; throws invalid_request with Vault's messages.
 */
export function applyRoleInput(
  existing: TokenRole | null,
  name: string,
  input: RoleInput,
  mountMaxTtl: number,
): { role: TokenRole; warnings: string[] } {
  if (!name) throw new CofferError('invalid_request', 'role name cannot be empty');
  const role: TokenRole = existing ? { ...existing } : newRole(name);
  const warnings: string[] = [];

  if (input.orphan !== undefined) role.orphan = input.orphan;
  if (input.renewable !== undefined) role.renewable = input.renewable;
  if (input.path_suffix !== undefined) {
    if (input.path_suffix !== '' && !PATH_SUFFIX_PATTERN.test(input.path_suffix)) {
      throw new CofferError('invalid_request', `given role path suffix contains invalid characters; must match ${String.raw`\w[\w-.]+\w`}`);
    }
    role.path_suffix = input.path_suffix;
  }
  if (role.path_suffix.includes('..')) {
    throw new CofferError('invalid_request', 'error registering path suffix: path cannot contain parent references');
  }
  if (input.allowed_policies !== undefined) role.allowed_policies = sanitizePolicies(input.allowed_policies, false);
  if (input.disallowed_policies !== undefined) role.disallowed_policies = removeDuplicates(input.disallowed_policies, true);
  if (input.allowed_policies_glob !== undefined) role.allowed_policies_glob = sanitizePolicies(input.allowed_policies_glob, false);
  if (input.disallowed_policies_glob !== undefined) role.disallowed_policies_glob = removeDuplicates(input.disallowed_policies_glob, true);

  // The token_* fields shared with auth methods.
  if (input.token_type !== undefined) {
    if (input.token_type === null) throw new CofferError('invalid_request', "Invalid 'token_type' value: null");
    const allowed: RoleTokenType[] = ['service', 'batch', 'default-service', 'default-batch'];
    if (!allowed.includes(input.token_type as RoleTokenType)) {
      throw new CofferError('invalid_request', `invalid 'token_type' value "${input.token_type}"`);
    }
    role.token_type = input.token_type as RoleTokenType;
  }
  if (input.token_no_default_policy !== undefined) role.token_no_default_policy = input.token_no_default_policy;
  if (input.token_num_uses !== undefined) {
    if (input.token_num_uses < 0) throw new CofferError('invalid_request', "error parsing role fields: 'token_num_uses' cannot be negative");
    role.token_num_uses = input.token_num_uses;
  }

  // Prefer token_* over the deprecated spellings; keep the deprecated value only when it alone was sent.
  if (input.token_period !== undefined) {
    if (input.token_period < 0) throw new CofferError('invalid_request', "error parsing role fields: 'token_period' cannot be negative");
    if (input.period !== undefined) warnings.push("Both 'token_period' and deprecated 'period' value supplied, ignoring the deprecated value");
    role.token_period = input.token_period;
    role.period = 0;
  } else if (input.period !== undefined) {
    role.period = input.period;
    role.token_period = input.period;
  }
  if (input.token_bound_cidrs !== undefined) {
    if (input.bound_cidrs !== undefined) warnings.push("Both 'token_bound_cidrs' and deprecated 'bound_cidrs' value supplied, ignoring the deprecated value");
    role.token_bound_cidrs = withPrefix('error parsing role fields: ', () => parseCidrs(input.token_bound_cidrs!));
    role.bound_cidrs = [];
  } else if (input.bound_cidrs !== undefined) {
    role.bound_cidrs = withPrefix('error parsing bound_cidrs: ', () => parseCidrs(input.bound_cidrs!));
    role.token_bound_cidrs = [...role.bound_cidrs];
  }
  let finalExplicitMaxTtl = role.token_explicit_max_ttl;
  if (input.token_explicit_max_ttl !== undefined) {
    if (input.explicit_max_ttl !== undefined) {
      warnings.push("Both 'token_explicit_max_ttl' and deprecated 'explicit_max_ttl' value supplied, ignoring the deprecated value");
    }
    role.token_explicit_max_ttl = input.token_explicit_max_ttl;
    role.explicit_max_ttl = 0;
    finalExplicitMaxTtl = input.token_explicit_max_ttl;
  } else if (input.explicit_max_ttl !== undefined) {
    role.explicit_max_ttl = input.explicit_max_ttl;
    role.token_explicit_max_ttl = input.explicit_max_ttl;
    finalExplicitMaxTtl = input.explicit_max_ttl;
  }
  if (finalExplicitMaxTtl !== 0 && mountMaxTtl !== 0 && finalExplicitMaxTtl > mountMaxTtl) {
    warnings.push(
      `Given explicit max TTL of ${finalExplicitMaxTtl} is greater than system/mount allowed value of ${mountMaxTtl} seconds; until this is fixed attempting to create tokens against this role will result in an error`,
    );
  }

  if (role.token_type === 'batch' || role.token_type === 'default-batch') {
    if (role.token_period !== 0) {
      throw new CofferError('invalid_request', "error parsing role fields: 'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens");
    }
    if (role.token_num_uses !== 0) {
      throw new CofferError('invalid_request', "error parsing role fields: 'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count");
    }
  }
  if (role.token_type === 'batch') {
    if (!role.orphan) throw new CofferError('invalid_request', "'token_type' cannot be 'batch' when role is set to generate non-orphan tokens");
    if (role.period !== 0 || role.token_period !== 0) {
      throw new CofferError('invalid_request', "'token_type' cannot be 'batch' when role is set to generate periodic tokens");
    }
    if (role.renewable) throw new CofferError('invalid_request', "'token_type' cannot be 'batch' when role is set to generate renewable tokens");
    if (role.explicit_max_ttl !== 0 || role.token_explicit_max_ttl !== 0) {
      throw new CofferError('invalid_request', "'token_type' cannot be 'batch' when role is set to generate tokens with an explicit max TTL");
    }
  }
  if (input.allowed_entity_aliases !== undefined) role.allowed_entity_aliases = removeDuplicates(input.allowed_entity_aliases, true);
  return { role, warnings };
}

/** auth/token/roles/:name read answer, with Vault's fields. */
export function roleReadData(role: TokenRole): Record<string, unknown> {
  const data: Record<string, unknown> = {
    allowed_entity_aliases: role.allowed_entity_aliases,
    allowed_policies: role.allowed_policies,
    allowed_policies_glob: role.allowed_policies_glob,
    disallowed_policies: role.disallowed_policies,
    disallowed_policies_glob: role.disallowed_policies_glob,
    explicit_max_ttl: role.explicit_max_ttl,
    name: role.name,
    orphan: role.orphan,
    path_suffix: role.path_suffix,
    period: role.period,
    renewable: role.renewable,
    token_explicit_max_ttl: role.token_explicit_max_ttl,
    token_no_default_policy: role.token_no_default_policy,
    token_period: role.token_period,
    token_type: role.token_type,
  };
  if (role.token_bound_cidrs.length > 0) data['token_bound_cidrs'] = role.token_bound_cidrs;
  if (role.bound_cidrs.length > 0) data['bound_cidrs'] = role.bound_cidrs;
  if (role.token_num_uses > 0) data['token_num_uses'] = role.token_num_uses;
  return data;
}

function withPrefix<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CofferError) throw new CofferError(err.code, prefix + err.message);
    throw err;
  }
}
