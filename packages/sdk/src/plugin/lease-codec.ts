import { CofferError } from '../errors.js';
import type { Auth, TokenType } from '../logical/auth.js';
import type { WrapInfo } from '../logical/response.js';
import type { LeaseOptions, Secret } from '../logical/secret.js';
import type { WireAuth, WireLeaseOptions, WireSecret, WireWrapInfo } from './wire-types.js';

/** JSON text of an object field; "" travels as {} (or as absent, see callers). */
export function encodeJsonObject(value: Record<string, unknown> | undefined): string {
  return value === undefined ? '' : JSON.stringify(value);
}

/** Parses a JSON-object field; "" is {}. `what` names the field in the error. */
export function decodeJsonObject(text: string, what: string): Record<string, unknown> {
  if (text === '' || text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CofferError('internal', `plugin protocol: ${what} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CofferError('internal', `plugin protocol: ${what} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function leaseToWire(lease: LeaseOptions): WireLeaseOptions {
  return {
    ttl: lease.ttl ?? 0,
    max_ttl: lease.maxTtl ?? 0,
    renewable: lease.renewable ?? false,
    increment: lease.increment ?? 0,
    issue_time: lease.issueTime ?? '',
  };
}

function leaseFromWire(wire: WireLeaseOptions | null): LeaseOptions {
  const lease: LeaseOptions = { ttl: wire?.ttl ?? 0, maxTtl: wire?.max_ttl ?? 0, renewable: wire?.renewable ?? false };
  if (wire?.increment) lease.increment = wire.increment;
  if (wire?.issue_time) lease.issueTime = wire.issue_time;
  return lease;
}

export function secretToWire(secret: Secret): WireSecret {
  return {
    lease_options: leaseToWire(secret),
    internal_data: JSON.stringify(secret.internalData ?? {}),
    lease_id: secret.leaseId ?? '',
  };
}

export function secretFromWire(wire: WireSecret): Secret {
  const secret: Secret = { ...leaseFromWire(wire.lease_options), internalData: decodeJsonObject(wire.internal_data, 'secret.internal_data') };
  if (wire.lease_id) secret.leaseId = wire.lease_id;
  return secret;
}

export function authToWire(auth: Auth): WireAuth {
  return {
    lease_options: leaseToWire(auth),
    internal_data: encodeJsonObject(auth.internalData),
    display_name: auth.displayName ?? '',
    policies: auth.policies ?? [],
    metadata: auth.metadata ?? {},
    client_token: auth.clientToken ?? '',
    accessor: auth.accessor ?? '',
    period: auth.period ?? 0,
    num_uses: auth.numUses ?? 0,
    entity_id: auth.entityId ?? '',
    alias: auth.alias ? { name: auth.alias.name, metadata: auth.alias.metadata ?? {} } : null,
    bound_cidrs: auth.boundCidrs ?? [],
    token_policies: auth.tokenPolicies ?? [],
    identity_policies: auth.identityPolicies ?? [],
    explicit_max_ttl: auth.explicitMaxTtl ?? 0,
    token_type: auth.tokenType ?? '',
    no_default_policy: auth.noDefaultPolicy ?? false,
    orphan: auth.orphan ?? false,
  };
}

/**
 * Proto3 scalars cannot say "absent", so zero values of the optional Auth
 * fields come back as absent: the contract gives 0, "", [] and false the same
 * meaning as absent for those fields.
 */
export function authFromWire(wire: WireAuth): Auth {
  const auth: Auth = {
    ...leaseFromWire(wire.lease_options),
    policies: wire.policies ?? [],
    metadata: wire.metadata ?? {},
    displayName: wire.display_name ?? '',
  };
  if (wire.internal_data) auth.internalData = decodeJsonObject(wire.internal_data, 'auth.internal_data');
  if (wire.token_policies?.length) auth.tokenPolicies = wire.token_policies;
  if (wire.identity_policies?.length) auth.identityPolicies = wire.identity_policies;
  if (wire.period) auth.period = wire.period;
  if (wire.explicit_max_ttl) auth.explicitMaxTtl = wire.explicit_max_ttl;
  if (wire.num_uses) auth.numUses = wire.num_uses;
  if (wire.bound_cidrs?.length) auth.boundCidrs = wire.bound_cidrs;
  if (wire.token_type) auth.tokenType = wire.token_type as TokenType;
  if (wire.no_default_policy) auth.noDefaultPolicy = true;
  if (wire.alias) {
    auth.alias = { name: wire.alias.name };
    if (Object.keys(wire.alias.metadata ?? {}).length > 0) auth.alias.metadata = wire.alias.metadata;
  }
  if (wire.entity_id) auth.entityId = wire.entity_id;
  if (wire.orphan) auth.orphan = true;
  if (wire.client_token) auth.clientToken = wire.client_token;
  if (wire.accessor) auth.accessor = wire.accessor;
  return auth;
}

export function wrapInfoToWire(info: WrapInfo): WireWrapInfo {
  return {
    token: info.token,
    accessor: info.accessor,
    ttl: info.ttl,
    creation_time: info.creation_time,
    creation_path: info.creation_path,
    wrapped_accessor: info.wrapped_accessor ?? '',
    format: info.format ?? '',
  };
}

export function wrapInfoFromWire(wire: WireWrapInfo): WrapInfo {
  const info: WrapInfo = {
    token: wire.token,
    accessor: wire.accessor,
    ttl: wire.ttl,
    creation_time: wire.creation_time,
    creation_path: wire.creation_path,
  };
  if (wire.wrapped_accessor) info.wrapped_accessor = wire.wrapped_accessor;
  if (wire.format) info.format = wire.format;
  return info;
}
