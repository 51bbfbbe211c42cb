import { CofferError } from '@coffer/sdk';
import { calculateTtl, type MountTtls } from '../expiration/ttl.js';
import { parseCidrs } from './cidr.js';
import { isSubset, matchesAnyGlob, NON_ASSIGNABLE_POLICIES, removeDuplicates, sanitizePolicies } from './policies.js';
import type { TokenRole } from './role.js';
import type { TokenEntry } from './token-entry.js';

/** What a client may ask of auth/token/create*, already type-coerced. Absent = not sent. */
export interface CreateTokenParams {
  /** The path under auth/token/ the request came in on: "create", "create-orphan", "create/<role>". */
  path: string;
  /** True for create-orphan. */
  orphan?: boolean;
  /** create/:role_name: the role to create against. */
  roleName?: string;
  /** The caller has root or sudo capability on the create path (the core's ACL decision). */
  hasSudo: boolean;
  id?: string;
  policies?: string[];
  meta?: Record<string, string>;
  noParent?: boolean;
  noDefaultPolicy?: boolean;
  /** Seconds. */
  ttl?: number;
  renewable?: boolean;
  explicitMaxTtl?: number;
  displayName?: string;
  numUses?: number;
  period?: number;
  /** "service", "batch" or "" (default). */
  type?: string;
  /** Accepted for compatibility; checked against the role, no identity entity is created. */
  entityAlias?: string;
}

/** The token about to be created, before ids and storage. */
export interface TokenPlan {
  draft: Omit<TokenEntry, 'id' | 'key' | 'accessor' | 'cubbyholeId'>;
  /** Custom id asked for (sudo only). */
  customId?: string;
  renewable: boolean;
  /** Period and explicit max TTL in force (the role's may be tighter than the request's). */
  period: number;
  explicitMaxTtl: number;
  warnings: string[];
}

const DISPLAY_NAME_SANITIZE = /[^a-zA-Z0-9-]/g;

/**
 * Vault's rules for creating a token through the token store, in Vault's
 * order (so that the first error a client sees is the same): parent
 * restrictions, token type, policies (subset of the parent's unless sudo or
 * a role allows otherwise), orphan-ness, period/TTL arithmetic.
 */
export function planToken(parent: TokenEntry | null, params: CreateTokenParams, role: TokenRole | null, mount: MountTtls, now: number): TokenPlan {
  if (!parent) throw invalid('parent token lookup failed: no parent found');
  if (parent.type === 'batch') throw invalid('batch tokens cannot create more tokens');
  if (parent.numUses > 0) throw invalid('restricted use token cannot generate child tokens');
  // A root token holds every capability, sudo included.
  const isSudo = params.hasSudo || parent.policies.includes('root');
  const warnings: string[] = [];

  let renewable = params.renewable ?? true;
  let typeText = params.type ?? '';
  if (role) {
    switch (role.token_type) {
      case 'default-service':
        break;
      case 'default-batch':
        if (typeText === '') typeText = 'batch';
        break;
      case 'service':
      case 'batch':
        typeText = role.token_type;
        break;
      default:
        throw invalid(`role being used for token creation contains invalid token type "${String(role.token_type)}"`);
    }
  }
  let type: 'service' | 'batch';
  switch (typeText) {
    case '':
    case 'service':
      type = 'service';
      break;
    case 'batch': {
      let badReason = '';
      if ((params.explicitMaxTtl ?? 0) !== 0) badReason = 'explicit_max_ttl';
      else if ((params.numUses ?? 0) !== 0) badReason = 'num_uses';
      else if ((params.period ?? 0) !== 0) badReason = 'period';
      if (badReason) throw invalid(`batch tokens cannot have "${badReason}" set`);
      type = 'batch';
      renewable = false;
      break;
    }
    default:
      throw invalid("invalid 'token_type' value");
  }

  let numUses = params.numUses ?? 0;
  if (numUses < 0) throw invalid('number of uses cannot be negative');

  if (params.entityAlias) {
    if (!role) throw invalid("'entity_alias' is only allowed in combination with token role");
    const alias = params.entityAlias.toLowerCase();
    const allowed = role.allowed_entity_aliases ?? [];
    if (!allowed.includes(alias) && !matchesAnyGlob(allowed, alias)) throw invalid("invalid 'entity_alias' value");
  }

  let path = `auth/token/${params.path}`;
  let parentKey = parent.key;
  if (role) {
    if (renewable && !role.renewable) renewable = false;
    // 0 means unlimited, so any limit is tighter than 0.
    if (role.token_num_uses !== 0 && (numUses === 0 || role.token_num_uses < numUses)) numUses = role.token_num_uses;
    if (role.path_suffix) path = `${path}/${role.path_suffix}`;
  }

  let displayName = 'token';
  if (params.displayName) displayName = `token-${params.displayName}`.replace(DISPLAY_NAME_SANITIZE, '-').replace(/-$/, '');

  let customId: string | undefined;
  if (params.id) {
    if (!isSudo) throw invalid('root or sudo privileges required to specify token id');
    customId = params.id;
  }

  let policies = params.policies ?? [];
  let addDefault = false;
  const roleRestrictsPolicies =
    role !== null &&
    (role.allowed_policies.length > 0 || role.disallowed_policies.length > 0 || role.allowed_policies_glob.length > 0 || role.disallowed_policies_glob.length > 0);
  if (roleRestrictsPolicies && role) {
    // A role with allowed/disallowed lists replaces the parent-subset rule.
    const localAddDefault =
      !params.noDefaultPolicy && !role.token_no_default_policy && !role.disallowed_policies.includes('default') && !matchesAnyGlob(role.disallowed_policies_glob, 'default');
    let finalPolicies = policies.length > 0 ? sanitizePolicies(policies, localAddDefault) : [];
    if (role.allowed_policies.length > 0 || role.allowed_policies_glob.length > 0) {
      const rolePolicies = sanitizePolicies(role.allowed_policies, localAddDefault);
      if (finalPolicies.length === 0) {
        finalPolicies = rolePolicies;
      } else {
        const roleGlobs = sanitizePolicies(role.allowed_policies_glob, false);
        for (const p of finalPolicies) {
          if (!rolePolicies.includes(p) && !matchesAnyGlob(roleGlobs, p)) {
            throw invalid(`token policies (${goList(finalPolicies)}) must be subset of the role's allowed policies (${goList(rolePolicies)}) or glob policies (${goList(roleGlobs)})`);
          }
        }
      }
    } else if (finalPolicies.length === 0) {
      finalPolicies = sanitizePolicies(parent.policies, localAddDefault);
    }
    if (role.disallowed_policies.length > 0 || role.disallowed_policies_glob.length > 0) {
      const disallowed = removeDuplicates(role.disallowed_policies, true);
      const disallowedGlobs = removeDuplicates(role.disallowed_policies_glob, true);
      for (const p of finalPolicies) {
        if (disallowed.includes(p) || matchesAnyGlob(disallowedGlobs, p)) throw invalid(`token policy "${p}" is disallowed by this role`);
      }
    }
    policies = finalPolicies;
  } else if (policies.length === 0) {
    // Inherit the parent's; "default" only if the parent has it.
    policies = sanitizePolicies(parent.policies, false);
  } else if (!isSudo) {
    if (!isSubset(sanitizePolicies(parent.policies, false), sanitizePolicies(policies, false))) {
      throw invalid('child policies must be subset of parent');
    }
    addDefault = !params.noDefaultPolicy && parent.policies.includes('default');
  } else {
    addDefault = !params.noDefaultPolicy;
  }

  let finalPolicies = sanitizePolicies(policies, addDefault);
  if (params.noDefaultPolicy) finalPolicies = finalPolicies.filter((p) => p !== 'default');
  for (const p of finalPolicies) {
    if (NON_ASSIGNABLE_POLICIES.includes(p)) throw invalid(`cannot assign policy "${p}"`);
  }
  if (finalPolicies.includes('root')) {
    // sudo is not enough: only a root token may mint another root token.
    if (!parent.policies.includes('root')) throw invalid('root tokens may not be created without parent token being root');
    if (type === 'batch') throw invalid('batch tokens cannot be root tokens');
  }

  let boundCidrs: string[] = [];
  if (role) {
    if (role.orphan) parentKey = '';
    if (role.token_bound_cidrs.length > 0) boundCidrs = parseCidrs(role.token_bound_cidrs);
  } else if (params.noParent) {
    if (!isSudo) throw invalid('root or sudo privileges required to create orphan token');
    parentKey = '';
  } else if (params.orphan) {
    parentKey = '';
  }

  let entityId = '';
  if (parentKey !== '') {
    entityId = parent.entityId;
    // A role decides its own CIDRs; otherwise a child can never escape its parent's.
    if (!role) boundCidrs = [...parent.boundCidrs];
  }

  let explicitMaxTtl = 0;
  let storedExplicitMaxTtl = 0;
  if (params.explicitMaxTtl !== undefined) {
    if (params.explicitMaxTtl < 0) throw invalid('explicit_max_ttl must be positive');
    storedExplicitMaxTtl = params.explicitMaxTtl;
    explicitMaxTtl = params.explicitMaxTtl;
  }
  let period = 0;
  let storedPeriod = 0;
  if (params.period !== undefined) {
    if (params.period < 0) throw invalid('period must be positive');
    if (params.period > 0) {
      if (!isSudo) throw invalid('root or sudo privileges required to create periodic token');
      storedPeriod = params.period;
      period = params.period;
    }
  }
  let ttl = 0;
  if (params.ttl !== undefined) {
    if (params.ttl < 0) throw invalid('ttl must be positive');
    ttl = params.ttl;
  }

  if (role && type !== 'batch') {
    if (role.token_explicit_max_ttl !== 0) {
      if (explicitMaxTtl === 0) {
        explicitMaxTtl = role.token_explicit_max_ttl;
      } else {
        if (role.token_explicit_max_ttl < explicitMaxTtl) explicitMaxTtl = role.token_explicit_max_ttl;
        warnings.push(`Explicit max TTL specified both during creation call and in role; using the lesser value of ${explicitMaxTtl} seconds`);
      }
    }
    if (role.token_period !== 0) {
      if (period === 0) {
        period = role.token_period;
      } else {
        if (role.token_period < period) period = role.token_period;
        warnings.push(`Period specified both during creation call and in role; using the lesser value of ${period} seconds`);
      }
    }
  }

  const isRootPolicy = finalPolicies.includes('root');
  if (period > 0 || ttl > 0 || !isRootPolicy) {
    const result = calculateTtl({ now, increment: 0, backendTtl: ttl, period, backendMaxTtl: 0, explicitMaxTtl, mount, startTime: now });
    warnings.push(...result.warnings);
    ttl = result.ttl;
  }
  // Root tokens are still bound by an explicit max TTL.
  if (ttl === 0 && explicitMaxTtl > 0) ttl = explicitMaxTtl;
  if (ttl === 0) {
    if (parent.ttl !== 0) throw invalid('expiring root tokens cannot create non-expiring root tokens');
    // A token that never expires is not renewable and not CIDR-bound.
    renewable = false;
    boundCidrs = [];
  }

  return {
    draft: {
      parent: parentKey,
      policies: finalPolicies,
      path,
      meta: params.meta && Object.keys(params.meta).length > 0 ? { ...params.meta } : null,
      displayName,
      numUses,
      creationTime: Math.floor(now / 1000),
      ttl,
      explicitMaxTtl: storedExplicitMaxTtl,
      period: storedPeriod,
      boundCidrs,
      type,
      entityId,
      role: role?.name ?? '',
    },
    customId,
    renewable,
    period,
    explicitMaxTtl,
    warnings,
  };
}

function invalid(message: string): CofferError {
  return new CofferError('invalid_request', message);
}

/** Go's %q of a []string: ["a" "b"]. */
function goList(items: readonly string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(' ')}]`;
}
