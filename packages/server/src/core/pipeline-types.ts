import type { Auth, Connection, Operation, Response, WrapInfo } from '@coffer/sdk';

/** A request as the transport hands it to the core: nothing resolved yet. */
export interface IncomingRequest {
  id: string;
  operation: Operation;
  /** Path after /v1/, without a leading slash. */
  path: string;
  data: Record<string, unknown>;
  token: string;
  headers: Record<string, string[]>;
  connection?: Connection;
  /** Seconds, from X-Vault-Wrap-TTL. */
  wrapTtl?: number;
  wrapFormat?: 'jwt' | '';
  /** The listener lets this path through without a token (unauthenticated_metrics_access). */
  unauthenticated?: boolean;
}

/** What the pipeline hands back to the transport to render. */
export interface PipelineResult {
  requestId: string;
  response: Response | null;
  /** Set when a lease was registered for response.secret. */
  leaseId?: string;
  leaseDuration?: number;
  renewable?: boolean;
  auth?: RenderedAuth;
  wrapInfo?: WrapInfo;
  mountType?: string;
  /** Legacy sys endpoints also carry their data at the top level of the body. */
  mergeDataIntoBody?: boolean;
  /** Headers the core adds to the response (rate-limit quotas' X-Ratelimit-*). */
  headers?: Record<string, string>;
}

/** Vault's `auth` block of the response envelope. */
export interface RenderedAuth {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies: string[];
  identity_policies?: string[];
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: string;
  orphan: boolean;
  /** Set (with no token) when the login waits for MFA validation. */
  mfa_requirement: Record<string, unknown> | null;
  num_uses: number;
}

export function renderAuthBlock(auth: Auth & { clientToken: string; accessor: string }, tokenType: string, orphan: boolean): RenderedAuth {
  return {
    client_token: auth.clientToken,
    accessor: auth.accessor,
    policies: auth.policies,
    token_policies: auth.tokenPolicies ?? auth.policies,
    ...(auth.identityPolicies ? { identity_policies: auth.identityPolicies } : {}),
    metadata: Object.keys(auth.metadata ?? {}).length > 0 ? auth.metadata : null,
    lease_duration: auth.ttl,
    renewable: auth.renewable,
    entity_id: auth.entityId ?? '',
    token_type: tokenType,
    orphan,
    mfa_requirement: null,
    num_uses: auth.numUses ?? 0,
  };
}
