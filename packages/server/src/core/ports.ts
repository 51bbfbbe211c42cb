import type { Auth, Operation, Request, Response } from '@coffer/sdk';
import type { IdentityTemplateContext } from '../policy/templating.js';
import type { RenderedAuth } from './pipeline-types.js';

/** What the pipeline needs of a token, whatever store it comes from. */
export interface TokenInfo {
  id: string;
  accessor: string;
  policies: string[];
  displayName: string;
  entityId: string;
  /** Uses left before this request; 0 = unlimited. */
  numUses: number;
  type: 'service' | 'batch';
  path: string;
  meta: Record<string, string>;
  /** Seconds since epoch. */
  issueTime: number;
  ttl: number;
  orphan: boolean;
  /** Where this token's cubbyhole lives (a random id, so revoking by salted id can still find it). */
  cubbyholeId?: string;
}

export interface TokenPort {
  /** Throws CofferError permission_denied for a missing, unknown, expired or out-of-CIDR token. */
  check(token: string, remoteAddress: string | undefined): Promise<TokenInfo>;
  /** Count one use; returns true when that was the last one (revoke after the request). */
  use(info: TokenInfo): Promise<boolean>;
  revoke(token: string): Promise<void>;
  /** Turn an auth method's Auth into a token (login). */
  issueFromAuth(input: { auth: Auth; path: string; mountPath?: string; mountAccessor: string; mountType: string; defaultTtl: number; maxTtl: number; tokenType?: string }): Promise<RenderedAuth>;
  /** A single-use token with the response-wrapping policy. */
  createWrappingToken(input: { ttl: number; creationPath: string; parent?: TokenInfo }): Promise<{ token: string; accessor: string }>;
}

export interface AclDecision {
  allowed: boolean;
  rootPrivs: boolean;
  isRoot: boolean;
  capabilities: string[];
}

export interface AclPort {
  /** `identity` resolves templated policy paths (`{{identity.entity.id}}`…); without it they match nothing. */
  authorize(policies: string[], input: { path: string; operation: Operation; data?: Record<string, unknown>; wrapTtl?: number; identity?: IdentityTemplateContext }): Promise<AclDecision>;
  capabilities(policies: string[], path: string, identity?: IdentityTemplateContext): Promise<string[]>;
  /** Whether the policies grant anything on the mount at `mountPath` or below it (mount listings). */
  mountAccess(policies: string[], mountPath: string): Promise<boolean>;
}

export interface LeasePort {
  registerSecret(input: { path: string; clientToken: string; response: Response; defaultTtl: number; maxTtl: number }): Promise<{ leaseId: string; ttl: number; renewable: boolean }>;
  revokePrefix(prefix: string): Promise<void>;
}

export interface AuditEntryInput {
  token?: TokenInfo;
  request: Request;
  /** The token the client sent (request.clientToken is the per-mount form the backend saw). */
  clientToken?: string;
  response?: Response | null;
  /** The rendered auth block for logins. */
  auth?: RenderedAuth;
  error?: string;
}

export interface AuditPort {
  /** Throws when audit devices are enabled and none of them could record the entry (fail closed). */
  logRequest(entry: AuditEntryInput): Promise<void>;
  logResponse(entry: AuditEntryInput): Promise<void>;
}
