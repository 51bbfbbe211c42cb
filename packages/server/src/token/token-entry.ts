/**
 * A token as the token store keeps it. The raw token id is never stored:
 * `key` (the salted id) is the storage key and what leases and child
 * indexes refer to.
 */
export interface TokenEntry {
  /** The token as the client presents it; '' when the entry was reached through an index (accessor, parent). */
  id: string;
  /** Salted id: storage key and index key. '' for batch tokens, which are never stored. */
  key: string;
  /** '' for batch tokens. */
  accessor: string;
  /** Salted id of the parent token; '' for an orphan. */
  parent: string;
  policies: string[];
  /** Creation path, e.g. "auth/token/create" or "auth/userpass/login/bob". */
  path: string;
  meta: Record<string, string> | null;
  displayName: string;
  /** Uses left; 0 = unlimited; -1 = being revoked (its last use is in flight). */
  numUses: number;
  /** Seconds since the epoch. */
  creationTime: number;
  /** Seconds: the TTL the token was created with (0 = never expires, root only). */
  ttl: number;
  explicitMaxTtl: number;
  period: number;
  boundCidrs: string[];
  type: 'service' | 'batch';
  entityId: string;
  /** Token store role the token was created against ('' for none). */
  role: string;
  /** Names the token's cubbyhole; lets revocation destroy it without the raw token. */
  cubbyholeId: string;
}

/** Marks a token whose last use is in flight: it is revoked after the request. */
export const REVOCATION_PENDING = -1;

interface StoredToken {
  accessor: string;
  parent: string;
  policies: string[];
  path: string;
  meta: Record<string, string> | null;
  display_name: string;
  num_uses: number;
  creation_time: number;
  ttl: number;
  explicit_max_ttl: number;
  period: number;
  bound_cidrs: string[];
  type: 'service' | 'batch';
  entity_id: string;
  role: string;
  cubbyhole_id: string;
}

export function encodeToken(te: TokenEntry): Buffer {
  const stored: StoredToken = {
    accessor: te.accessor,
    parent: te.parent,
    policies: te.policies,
    path: te.path,
    meta: te.meta,
    display_name: te.displayName,
    num_uses: te.numUses,
    creation_time: te.creationTime,
    ttl: te.ttl,
    explicit_max_ttl: te.explicitMaxTtl,
    period: te.period,
    bound_cidrs: te.boundCidrs,
    type: te.type,
    entity_id: te.entityId,
    role: te.role,
    cubbyhole_id: te.cubbyholeId,
  };
  return Buffer.from(JSON.stringify(stored), 'utf8');
}

export function decodeToken(key: string, value: Buffer): TokenEntry {
  const s = JSON.parse(value.toString('utf8')) as StoredToken;
  return {
    id: '',
    key,
    accessor: s.accessor ?? '',
    parent: s.parent ?? '',
    policies: s.policies ?? [],
    path: s.path ?? '',
    meta: s.meta ?? null,
    displayName: s.display_name ?? '',
    numUses: s.num_uses ?? 0,
    creationTime: s.creation_time ?? 0,
    ttl: s.ttl ?? 0,
    explicitMaxTtl: s.explicit_max_ttl ?? 0,
    period: s.period ?? 0,
    boundCidrs: s.bound_cidrs ?? [],
    type: s.type ?? 'service',
    entityId: s.entity_id ?? '',
    role: s.role ?? '',
    cubbyholeId: s.cubbyhole_id ?? '',
  };
}

export function isRootToken(te: Pick<TokenEntry, 'policies'>): boolean {
  return te.policies.length === 1 && te.policies[0] === 'root';
}

/** The lease id of a service token: `<creation path>/<salted id>`, as Vault names it. */
export function tokenLeaseId(te: Pick<TokenEntry, 'path' | 'key'>): string {
  return `${te.path.replace(/\/+$/, '')}/${te.key}`;
}
