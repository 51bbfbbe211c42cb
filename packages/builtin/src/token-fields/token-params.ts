import { CofferError, type Auth, type FieldData, type FieldSchema, type TokenType } from '@coffer/sdk';
import { normalizeCidrList } from './cidr.js';
import { cleanStringList } from './policies.js';

/**
 * The token settings every auth method role or user carries (Vault's
 * tokenutil set). Stored as JSON under these snake_case names; durations in
 * seconds.
 */
export interface TokenParams {
  token_bound_cidrs: string[];
  token_explicit_max_ttl: number;
  token_max_ttl: number;
  token_no_default_policy: boolean;
  token_num_uses: number;
  token_period: number;
  token_policies: string[];
  token_type: TokenType;
  token_ttl: number;
}

export const TOKEN_FIELD_NAMES = [
  'token_bound_cidrs',
  'token_explicit_max_ttl',
  'token_max_ttl',
  'token_no_default_policy',
  'token_num_uses',
  'token_period',
  'token_policies',
  'token_type',
  'token_ttl',
] as const;

export function emptyTokenParams(): TokenParams {
  return {
    token_bound_cidrs: [],
    token_explicit_max_ttl: 0,
    token_max_ttl: 0,
    token_no_default_policy: false,
    token_num_uses: 0,
    token_period: 0,
    token_policies: [],
    token_type: 'default',
    token_ttl: 0,
  };
}

/** Fill in whatever an older or partial stored document lacks. */
export function withTokenDefaults(stored: Partial<TokenParams> | undefined): TokenParams {
  return { ...emptyTokenParams(), ...(stored ?? {}) };
}

const group = 'Tokens';

/** Field schemas for the token settings, to merge into a path's fields. */
export function tokenFieldSchemas() {
  return {
    token_bound_cidrs: {
      type: 'comma-string-slice',
      description:
        'CIDR blocks or addresses (comma-separated string or JSON list). When set, the issued token can only be used from these addresses.',
      displayAttrs: { name: "Generated Token's Bound CIDRs", group },
    },
    token_explicit_max_ttl: {
      type: 'duration',
      description:
        'A hard limit on the lifetime of issued tokens, fixed when the token is created: later changes to the max TTL of this entry or of the mount do not affect tokens already issued.',
      displayAttrs: { name: "Generated Token's Explicit Maximum TTL", group },
    },
    token_max_ttl: {
      type: 'duration',
      description: 'The longest an issued token may live, renewals included. Checked again at every renewal.',
      displayAttrs: { name: "Generated Token's Maximum TTL", group },
    },
    token_no_default_policy: {
      type: 'bool',
      description: 'When true, the "default" policy is not added to issued tokens.',
      displayAttrs: { name: "Do Not Attach 'default' Policy To Generated Tokens", group },
    },
    token_num_uses: {
      type: 'int',
      description: 'How many requests an issued token may make; 0 means no limit.',
      displayAttrs: { name: 'Maximum Uses of Generated Tokens', group },
    },
    token_period: {
      type: 'duration',
      description:
        'When set, issued tokens are periodic: they have no maximum lifetime, and every renewal resets their TTL to this value. Seconds or a duration such as "24h".',
      displayAttrs: { name: "Generated Token's Period", group },
    },
    token_policies: {
      type: 'comma-string-slice',
      description: 'Policies to attach to issued tokens (comma-separated string or JSON list).',
      displayAttrs: { name: "Generated Token's Policies", group },
    },
    token_type: {
      type: 'string',
      default: 'default-service',
      description: 'The kind of token to issue: "service", "batch", or "default" (the mount\'s default).',
      displayAttrs: { name: "Generated Token's Type", group },
    },
    token_ttl: {
      type: 'duration',
      description: 'The initial TTL of issued tokens, also used at renewal. 0 means the mount\'s default.',
      displayAttrs: { name: "Generated Token's Initial TTL", group },
    },
  } satisfies Record<string, FieldSchema>;
}

/**
 * Apply the token fields the client sent on top of `current` and check the
 * combination. Fields not sent keep their current value. Takes plain
 * FieldData (getOk by name): its callers' paths each declare other fields
 * around the token ones, and approle passes a rebuilt FieldData.
 */
export function parseTokenFields<T extends TokenParams>(current: T, d: FieldData): T {
  const next: T = { ...current };
  const [cidrs, hasCidrs] = d.getOk<string[]>('token_bound_cidrs');
  if (hasCidrs) next.token_bound_cidrs = normalizeCidrList(cidrs ?? [], 'token_bound_cidrs');

  for (const name of ['token_explicit_max_ttl', 'token_max_ttl', 'token_period', 'token_ttl'] as const) {
    const [value, ok] = d.getOk<number>(name);
    if (ok) next[name] = value ?? 0;
  }

  const [noDefault, hasNoDefault] = d.getOk<boolean>('token_no_default_policy');
  if (hasNoDefault) next.token_no_default_policy = noDefault ?? false;

  const [policies, hasPolicies] = d.getOk<string[]>('token_policies');
  if (hasPolicies) next.token_policies = cleanStringList(policies ?? []);

  const [tokenType, hasTokenType] = d.getOk<string>('token_type');
  if (hasTokenType) next.token_type = parseTokenType(tokenType ?? '');

  const [numUses, hasNumUses] = d.getOk<number>('token_num_uses');
  if (hasNumUses) next.token_num_uses = numUses ?? 0;
  if (next.token_num_uses < 0) throw invalid("'token_num_uses' cannot be negative");

  if (next.token_type === 'batch' || next.token_type === 'default-batch') {
    if (next.token_period !== 0) {
      throw invalid("'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens");
    }
    if (next.token_num_uses !== 0) {
      throw invalid("'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count");
    }
  }
  if (next.token_ttl > 0 && next.token_max_ttl > 0 && next.token_ttl > next.token_max_ttl) {
    throw invalid("'token_ttl' cannot be greater than 'token_max_ttl'");
  }
  return next;
}

function parseTokenType(value: string): TokenType {
  switch (value) {
    case '':
    case 'default':
      return 'default';
    case 'service':
      return 'service';
    case 'batch':
      return 'batch';
    default:
      throw invalid(`invalid 'token_type' value ${JSON.stringify(value)}; use "service", "batch" or "default"`);
  }
}

/** The token settings as a read returns them (lists are never null). */
export function tokenParamsData(params: TokenParams): Record<string, unknown> {
  return {
    token_bound_cidrs: [...params.token_bound_cidrs],
    token_explicit_max_ttl: params.token_explicit_max_ttl,
    token_max_ttl: params.token_max_ttl,
    token_no_default_policy: params.token_no_default_policy,
    token_period: params.token_period,
    token_policies: [...params.token_policies],
    token_type: params.token_type,
    token_ttl: params.token_ttl,
    token_num_uses: params.token_num_uses,
  };
}

/** Copy the token settings onto a login's Auth. Tokens from these methods are always renewable. */
export function applyTokenParams(auth: Omit<Auth, 'policies' | 'ttl' | 'maxTtl' | 'renewable'> & Partial<Auth>, params: TokenParams): Auth {
  return {
    ...auth,
    policies: [...params.token_policies],
    tokenPolicies: [...params.token_policies],
    ttl: params.token_ttl,
    maxTtl: params.token_max_ttl,
    renewable: true,
    period: params.token_period,
    explicitMaxTtl: params.token_explicit_max_ttl,
    numUses: params.token_num_uses,
    boundCidrs: [...params.token_bound_cidrs],
    tokenType: params.token_type,
    noDefaultPolicy: params.token_no_default_policy,
  };
}

function invalid(message: string): CofferError {
  return new CofferError('invalid_request', message);
}
