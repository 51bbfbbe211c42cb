import { randomBytes } from 'node:crypto';

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
  expiresAt: number;
}

export const OIDC_STATE_TTL_MS = 5 * 60_000;
/** Unauthenticated clients create states: bound the memory they can take. */
const MAX_PENDING_STATES = 10_000;

export const randomToken = (): string => randomBytes(32).toString('base64url');

/**
 * The pending OIDC logins of one mount, in memory like Vault's: a state is
 * valid for five minutes and can be used once.
 */
export class OidcStateStore {
  private readonly pending = new Map<string, OidcState>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number = OIDC_STATE_TTL_MS,
  ) {}

  create(entry: Omit<OidcState, 'expiresAt'>): string {
    this.sweep();
    if (this.pending.size >= MAX_PENDING_STATES) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    const id = randomToken();
    this.pending.set(id, { ...entry, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  /** The state, removed so that it cannot be replayed; undefined when unknown or expired. */
  take(id: string): OidcState | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    return entry.expiresAt > this.now() ? entry : undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(id);
  }
}
