import { TokenRecords, type Storage } from '@coffer/sdk';

/** One browser login in progress: what the callback must find again. */
export interface OidcState {
  roleName: string;
  redirectUri: string;
  /** Sent in the auth URL; the ID token must carry it back. */
  nonce: string;
  /** PKCE: its S256 hash went out in the auth URL, the verifier itself goes to the token endpoint. */
  codeVerifier: string;
  /** Set when the client sent one to auth_url: the callback must present the same. */
  clientNonce: string;
}

export const OIDC_STATE_TTL_MS = 5 * 60_000;
/**
 * Unauthenticated clients create states: bound the storage they can take.
 * Ten thousand logins started within five minutes is far beyond any real
 * use; past it auth_url answers 429 until states are used or expire.
 */
export const MAX_PENDING_STATES = 10_000;
/** Where the states live in the mount's storage (by the SHA-256 of the state, never the state itself). */
export const OIDC_STATE_PREFIX = 'oidc_state/';

/**
 * The pending OIDC logins of one mount. Kept in the mount's storage (the
 * barrier encrypts them) rather than in memory, so that the callback works
 * on whichever node of a cluster it reaches, after a failover too: a state
 * is valid for five minutes and can be used once.
 */
export class OidcStateStore {
  private readonly records: TokenRecords<OidcState>;

  constructor(now: () => number, private readonly ttlMs: number = OIDC_STATE_TTL_MS, maxPending: number = MAX_PENDING_STATES) {
    this.records = new TokenRecords<OidcState>({ prefix: OIDC_STATE_PREFIX, now, maxRecords: maxPending, describe: 'OIDC logins in progress' });
  }

  /** A new state for this login; its value goes to the provider in the auth URL. */
  create(storage: Storage, entry: OidcState): Promise<string> {
    return this.records.create(storage, entry, this.ttlMs);
  }

  /** The state, removed so that it cannot be replayed; undefined when unknown or expired. */
  take(storage: Storage, state: string): Promise<OidcState | undefined> {
    return this.records.take(storage, state);
  }

  /** Removes expired states (the mount's periodic function). */
  sweep(storage: Storage): Promise<void> {
    return this.records.sweep(storage);
  }
}
