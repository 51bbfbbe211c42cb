import type { Storage } from '../storage/storage.js';
import type { Auth } from './auth.js';
import type { Secret } from './secret.js';

/**
 * Operations, as Vault names them. The HTTP layer maps verbs to these:
 * GET → read, GET ?list=true or LIST → list, POST/PUT → create or update
 * (the existence check decides), PATCH → patch, DELETE → delete.
 * renew/revoke/rollback are sent by the core to a backend for its own leases.
 */
export type Operation =
  | 'create'
  | 'read'
  | 'update'
  | 'patch'
  | 'delete'
  | 'list'
  | 'help'
  | 'alias-lookahead'
  | 'resolve-role'
  | 'renew'
  | 'revoke'
  | 'rollback';

export const OPERATIONS: readonly Operation[] = [
  'create', 'read', 'update', 'patch', 'delete', 'list', 'help', 'alias-lookahead', 'resolve-role', 'renew', 'revoke', 'rollback',
];

export interface Connection {
  remoteAddress: string;
  remotePort?: number;
  /** PEM certificates the client presented over mutual TLS, if any. */
  peerCertificates?: string[];
}

export interface Request {
  /** Unique id of this request (request_id in the response). */
  id: string;
  operation: Operation;
  /** Path relative to the mount (the mount prefix is stripped by the router). */
  path: string;
  /** Body fields and, for read/list/delete, the query string parameters. */
  data: Record<string, unknown>;
  /** The mount's storage view. */
  storage: Storage;
  mountPoint: string;
  mountType: string;
  mountAccessor: string;
  clientToken: string;
  clientTokenAccessor: string;
  /** Remaining uses of the client token after this request; 0 means unlimited. */
  clientTokenRemainingUses: number;
  displayName: string;
  entityId: string;
  policies: string[];
  connection?: Connection;
  /** Request headers, lower-cased names. Only headers the mount is tuned to pass through reach external plugins. */
  headers: Record<string, string[]>;
  /** Set for renew/revoke operations: the lease being acted on. */
  secret?: Secret;
  /** Set for renew of an auth (token) lease. */
  auth?: Auth;
  /** Response wrapping asked for by the client. */
  wrapInfo?: { ttl: number; format: 'jwt' | '' };
  /** Set by the core when this request is unauthenticated (login paths). */
  unauthenticated: boolean;
  /**
   * Set by the core for its own backends (auth/token/, sys/): the caller's
   * policies grant sudo on this path. Never sent to external plugins.
   */
  sudo?: boolean;
}

/** Make a request with defaults, for tests and for the core's internal calls. */
export function makeRequest(partial: Partial<Request> & Pick<Request, 'operation' | 'path' | 'storage'>): Request {
  return {
    id: partial.id ?? cryptoRandomId(),
    data: {},
    mountPoint: '',
    mountType: '',
    mountAccessor: '',
    clientToken: '',
    clientTokenAccessor: '',
    clientTokenRemainingUses: 0,
    displayName: '',
    entityId: '',
    policies: [],
    headers: {},
    unauthenticated: false,
    ...partial,
  };
}

function cryptoRandomId(): string {
  return globalThis.crypto.randomUUID();
}
