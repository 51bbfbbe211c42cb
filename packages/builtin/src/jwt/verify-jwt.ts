import type { KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, errors as joseErrors, type RemoteJWKSet } from 'jose';

/** Where a token's signing key comes from: the configured PEM keys, or a (remote) key set. */
export type KeySource = { kind: 'static'; keys: KeyObject[] } | { kind: 'jwks'; keySet: RemoteJWKSet };

export type Claims = Record<string, unknown>;

/** A token that fails verification; the message says why, and never quotes the token. */
export class TokenInvalidError extends Error {}

/**
 * Check the signature (with one of the allowed algorithms) and return the
 * payload's claims. Static keys are tried in turn, as Vault does.
 */
export async function verifySignature(token: string, source: KeySource, algorithms: readonly string[]): Promise<Claims> {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new TokenInvalidError('malformed token: not a compact JWS');
  }
  if (typeof alg !== 'string' || !algorithms.includes(alg)) {
    throw new TokenInvalidError(`unsupported signing algorithm ${JSON.stringify(alg ?? '')}`);
  }
  const options = { algorithms: [...algorithms] };
  let payload: Uint8Array | undefined;
  if (source.kind === 'static') {
    for (const key of source.keys) {
      try {
        payload = (await compactVerify(token, key, options)).payload;
        break;
      } catch {
        // Another key (or another kind of key) may have signed it.
      }
    }
    if (!payload) throw new TokenInvalidError('failed to verify signature: no configured public key verifies it');
  } else {
    try {
      payload = (await compactVerify(token, source.keySet, options)).payload;
    } catch (err) {
      throw new TokenInvalidError(signatureFailure(err));
    }
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    throw new TokenInvalidError('malformed token: the payload is not JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new TokenInvalidError('malformed token: the payload is not a JSON object');
  return claims as Claims;
}

function signatureFailure(err: unknown): string {
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'failed to verify signature: no key in the key set matches the token';
  if (err instanceof joseErrors.JWKSMultipleMatchingKeys) return 'failed to verify signature: several keys in the key set match the token';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'failed to verify signature';
  if (err instanceof joseErrors.JWKSTimeout) return 'failed to verify signature: timed out fetching the key set';
  if (err instanceof joseErrors.JWSInvalid) return 'malformed token';
  // Fetch failures carry the key set URL and reason, which are configuration, not secrets.
  return `failed to verify signature: ${(err as Error).message}`;
}

/** Leeways in seconds: 0 means the default, a negative value means none. */
export interface ExpectedClaims {
  issuer: string;
  subject: string;
  audiences: readonly string[];
  clockSkewLeeway: number;
  expirationLeeway: number;
  notBeforeLeeway: number;
}

const DEFAULT_CLOCK_SKEW_LEEWAY = 60;
const DEFAULT_CLAIM_LEEWAY = 150;

function leeway(value: number, fallback: number): number {
  if (value < 0) return 0;
  return value === 0 ? fallback : value;
}

/** Validate exp, nbf, iat (with the leeways), iss, sub and aud. `now` is in seconds. */
export function validateStandardClaims(claims: Claims, expected: ExpectedClaims, now: number): void {
  const skew = leeway(expected.clockSkewLeeway, DEFAULT_CLOCK_SKEW_LEEWAY);
  const exp = numericClaim(claims, 'exp');
  if (exp !== undefined && now - skew - leeway(expected.expirationLeeway, DEFAULT_CLAIM_LEEWAY) > exp) {
    throw new TokenInvalidError('token is expired (exp)');
  }
  const nbf = numericClaim(claims, 'nbf');
  if (nbf !== undefined && now + skew + leeway(expected.notBeforeLeeway, DEFAULT_CLAIM_LEEWAY) < nbf) {
    throw new TokenInvalidError('token not valid yet (nbf)');
  }
  const iat = numericClaim(claims, 'iat');
  if (iat !== undefined && now + skew < iat) throw new TokenInvalidError('token issued in the future (iat)');

  if (expected.issuer !== '' && claims['iss'] !== expected.issuer) throw new TokenInvalidError('invalid issuer (iss) claim');
  if (expected.subject !== '' && claims['sub'] !== expected.subject) throw new TokenInvalidError('invalid subject (sub) claim');
  if (expected.audiences.length > 0) {
    const aud = audienceOf(claims);
    if (!expected.audiences.some((a) => aud.includes(a))) {
      throw new TokenInvalidError('invalid audience (aud) claim: audience claim does not match any expected audience');
    }
  }
}

/** The aud claim as a list (RFC 7519 allows a single string). */
export function audienceOf(claims: Claims): string[] {
  const aud = claims['aud'];
  if (typeof aud === 'string') return aud === '' ? [] : [aud];
  if (Array.isArray(aud)) return aud.filter((v): v is string => typeof v === 'string');
  return [];
}

function numericClaim(claims: Claims, name: string): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TokenInvalidError(`malformed token: the ${name} claim is not a number`);
  return value;
}
