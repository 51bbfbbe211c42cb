import type { Response } from '@coffer/sdk';
import type { AuditEntryInput } from '../core/ports.js';
import { hashStructure, type Hasher } from './hash.js';

export interface FormatOptions {
  /** log_raw=true: no HMAC at all (Vault's option; dangerous, off by default). */
  raw: boolean;
  /** hmac_accessor=false keeps token accessors readable. */
  hmacAccessor: boolean;
  nonHmacRequestKeys: ReadonlySet<string>;
  nonHmacResponseKeys: ReadonlySet<string>;
}

/** Build one audit line (request or response) in Vault's JSON layout. */
export function formatEntry(kind: 'request' | 'response', input: AuditEntryInput, hash: Hasher, opts: FormatOptions, now: Date): Record<string, unknown> {
  const h = (s: string): string => (opts.raw || s === '' ? s : hash(s));
  const ha = (s: string): string => (opts.hmacAccessor ? h(s) : s);
  const req = input.request;
  const token = input.token;
  // The request carries the token's policies plus those its entity and groups add (Vault's identity_policies).
  const identityPolicies = token ? (req.policies ?? []).filter((p) => !token.policies.includes(p)) : [];
  const auth = token
    ? {
        client_token: h(token.id),
        accessor: ha(token.accessor),
        display_name: token.displayName,
        policies: identityPolicies.length ? [...token.policies, ...identityPolicies] : token.policies,
        token_policies: token.policies,
        ...(identityPolicies.length ? { identity_policies: identityPolicies } : {}),
        metadata: Object.keys(token.meta).length ? token.meta : null,
        entity_id: token.entityId,
        token_type: token.type,
        token_ttl: token.ttl,
        token_issue_time: new Date(token.issueTime * 1000).toISOString(),
      }
    : null;
  const requestData = opts.raw ? req.data : hashStructure(stripInternal(req.data), hash, opts.nonHmacRequestKeys);
  const entry: Record<string, unknown> = {
    time: now.toISOString(),
    type: kind,
    auth,
    request: {
      id: req.id,
      operation: req.operation,
      mount_point: req.mountPoint,
      mount_type: req.mountType,
      mount_accessor: req.mountAccessor,
      // The client's own token (HMACed), not the per-mount form the backend saw.
      client_token: h(input.clientToken ?? req.clientToken),
      client_token_accessor: ha(req.clientTokenAccessor),
      namespace: { id: 'root' },
      path: req.mountPoint + req.path,
      data: Object.keys(req.data).length ? requestData : null,
      remote_address: req.connection?.remoteAddress ?? '',
      remote_port: req.connection?.remotePort ?? 0,
      wrap_ttl: req.wrapInfo?.ttl ?? 0,
      headers: null,
    },
    error: input.error ?? '',
  };
  if (kind === 'response') entry['response'] = formatResponse(input, opts, h, ha, hash);
  return entry;
}

function formatResponse(input: AuditEntryInput, opts: FormatOptions, h: (s: string) => string, ha: (s: string) => string, hash: Hasher): Record<string, unknown> | null {
  const resp: Response | null | undefined = input.response;
  if (!resp && !input.auth) return null;
  const out: Record<string, unknown> = {
    mount_point: input.request.mountPoint,
    mount_type: input.request.mountType,
    mount_accessor: input.request.mountAccessor,
  };
  if (resp?.data) out['data'] = opts.raw ? resp.data : hashStructure(resp.data, hash, opts.nonHmacResponseKeys);
  if (resp?.secret) out['secret'] = { lease_id: resp.secret.leaseId ?? '' };
  if (input.auth) {
    out['auth'] = {
      client_token: h(input.auth.client_token),
      accessor: ha(input.auth.accessor),
      policies: input.auth.policies,
      token_policies: input.auth.token_policies,
      ...(input.auth.identity_policies ? { identity_policies: input.auth.identity_policies } : {}),
      metadata: input.auth.metadata,
      entity_id: input.auth.entity_id,
      token_type: input.auth.token_type,
      token_ttl: input.auth.lease_duration,
    };
  }
  if (resp?.warnings?.length) out['warnings'] = resp.warnings;
  return out;
}

/** Internal bookkeeping fields never go to an audit log. */
function stripInternal(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !k.startsWith('__')));
}
