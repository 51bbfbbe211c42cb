import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, customFetch, type FetchImplementation, type RemoteJWKSet } from 'jose';
import { discoverProvider, type ProviderMetadata } from './discovery.js';
import { getFollowingRedirects, ProviderError } from './provider-http.js';

/** How long fetched signing keys are trusted before they are fetched again. */
const JWKS_MAX_AGE_MS = 10 * 60_000;
/** An unknown key ID refetches the key set at most this often (a token with a junk kid must not hammer the provider). */
export const JWKS_COOLDOWN_MS = 5_000;

/** A jose fetch that trusts the configured CA PEM, if any, for this key set only. */
function fetchTrusting(caPem: string): FetchImplementation {
  return async (url, options) => {
    const headers: Record<string, string> = {};
    options.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const reply = await getFollowingRedirects(url, { headers, ...(caPem ? { caPem } : {}) });
    return new Response(new Uint8Array(reply.body), { status: reply.status, headers: reply.headers });
  };
}

/**
 * The mount's caches of what it fetched from providers: discovery documents
 * and remote key sets (jose refetches a key set when it is stale or a token
 * names a key it does not hold). Cleared whenever the config changes.
 */
export class ProviderCache {
  private readonly discovered = new Map<string, Promise<ProviderMetadata>>();
  private readonly keySets = new Map<string, RemoteJWKSet>();
  /** Parsed jwt_validation_pubkeys: parsing PEM on every login would cost more than the signature check. */
  private staticKeys: { pems: string; keys: KeyObject[] } | undefined;

  constructor(private readonly jwksCooldownMs: number = JWKS_COOLDOWN_MS) {}

  clear(): void {
    this.discovered.clear();
    this.keySets.clear();
    this.staticKeys = undefined;
  }

  publicKeys(pems: readonly string[]): KeyObject[] {
    const joined = pems.join('\n');
    if (this.staticKeys?.pems !== joined) this.staticKeys = { pems: joined, keys: parsePublicKeys(pems) };
    return this.staticKeys.keys;
  }

  /** The provider's discovery document, fetched once; a failed fetch is forgotten so the next call retries. */
  metadata(discoveryUrl: string, caPem: string): Promise<ProviderMetadata> {
    const key = `${discoveryUrl}\n${caPem}`;
    let pending = this.discovered.get(key);
    if (!pending) {
      pending = discoverProvider(discoveryUrl, caPem);
      this.discovered.set(key, pending);
      pending.catch(() => this.discovered.delete(key));
    }
    return pending;
  }

  keySet(jwksUrl: string, caPem: string): RemoteJWKSet {
    const key = `${jwksUrl}\n${caPem}`;
    let set = this.keySets.get(key);
    if (!set) {
      set = createRemoteJWKSet(new URL(jwksUrl), {
        cacheMaxAge: JWKS_MAX_AGE_MS,
        cooldownDuration: this.jwksCooldownMs,
        [customFetch]: fetchTrusting(caPem),
      });
      this.keySets.set(key, set);
    }
    return set;
  }
}

/** Parse jwt_validation_pubkeys: PEM public keys or certificates. */
export function parsePublicKeys(pems: readonly string[]): KeyObject[] {
  return pems.map((pem) => {
    try {
      return createPublicKey(pem);
    } catch (err) {
      throw new ProviderError(`error parsing public key: ${(err as Error).message}`);
    }
  });
}

/**
 * Fetch a JWKS once to check that the URL serves a key set (config writes
 * are validated so that a typo is found now, not at the first login).
 */
export async function checkJwksUrl(jwksUrl: string, caPem: string): Promise<void> {
  const reply = await getFollowingRedirects(jwksUrl, caPem ? { caPem } : {});
  if (reply.status !== 200) throw new ProviderError(`${jwksUrl} answered HTTP ${reply.status}`);
  let doc: unknown;
  try {
    doc = JSON.parse(reply.body.toString('utf8'));
  } catch {
    throw new ProviderError(`${jwksUrl} did not answer with JSON`);
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { keys?: unknown }).keys)) {
    throw new ProviderError(`${jwksUrl} did not answer with a JSON Web Key Set`);
  }
}
