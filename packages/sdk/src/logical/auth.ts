import type { LeaseOptions } from './secret.js';

export type TokenType = 'service' | 'batch' | 'default' | 'default-service' | 'default-batch';

export interface Alias {
  name: string;
  metadata?: Record<string, string>;
}

/** What an auth method returns on a successful login, and what the core attaches to tokens. */
export interface Auth extends LeaseOptions {
  policies: string[];
  tokenPolicies?: string[];
  identityPolicies?: string[];
  metadata: Record<string, string>;
  displayName: string;
  /** Kept server-side only; sent back to the auth method on renew. */
  internalData?: Record<string, unknown>;
  /** Seconds. A periodic token's TTL is reset to this on every renewal. */
  period?: number;
  explicitMaxTtl?: number;
  numUses?: number;
  /** CIDR blocks the token may be used from. */
  boundCidrs?: string[];
  tokenType?: TokenType;
  noDefaultPolicy?: boolean;
  /** Who logged in, as this auth method names them: the core finds or creates the identity entity with this alias. */
  alias?: Alias;
  /**
   * External groups the user belongs to at the identity provider (LDAP
   * groups, a JWT's groups claim): the core maps them to external identity
   * groups through group aliases, refreshed on login and renewal.
   */
  groupAliases?: Alias[];
  entityId?: string;
  orphan?: boolean;
  /** Filled in by the core once the token is created. */
  clientToken?: string;
  accessor?: string;
}
