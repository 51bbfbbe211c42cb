import { createPrivateKey, createPublicKey, generateKeyPair, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

/** The signing algorithms identity tokens may use, as Vault lists them. */
export const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export function isSigningAlgorithm(value: string): value is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

const generate = promisify(generateKeyPair);
const CURVES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** A new key pair for the algorithm: the private key as PKCS#8 PEM (stored through the barrier), the public one as a JWK. */
export async function newKeyPair(algorithm: SigningAlgorithm, kid: string): Promise<{ privatePem: string; publicJwk: JsonWebKey }> {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (algorithm.startsWith('RS')) pair = await generate('rsa', { modulusLength: 2048 });
  else if (algorithm.startsWith('ES')) pair = await generate('ec', { namedCurve: CURVES[algorithm]! });
  else pair = await generate('ed25519');
  const jwk = pair.publicKey.export({ format: 'jwk' });
  return {
    privatePem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { ...jwk, kid, alg: algorithm, use: 'sig' },
  };
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function digestOf(algorithm: SigningAlgorithm): string | null {
  return algorithm === 'EdDSA' ? null : `sha${algorithm.slice(2)}`;
}

/** A compact JWS (a JWT) of the claims, signed with the private key. */
export function signJwt(claims: Record<string, unknown>, key: { algorithm: SigningAlgorithm; kid: string; privatePem: string }): string {
  const header = b64url(JSON.stringify({ alg: key.algorithm, kid: key.kid, typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const input = Buffer.from(`${header}.${payload}`);
  const privateKey = createPrivateKey(key.privatePem);
  const signature = sign(digestOf(key.algorithm), input, key.algorithm.startsWith('ES') ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
  return `${header}.${payload}.${b64url(signature)}`;
}

export interface DecodedJwt {
  header: { alg?: string; kid?: string };
  claims: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

/** Split and decode a compact JWS; null when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as DecodedJwt['header'];
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) return null;
    return { header, claims, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return null;
  }
}

/** Whether the signature verifies with this public key (the algorithm is the key's, never the token's header's). */
export function verifyJwt(decoded: DecodedJwt, publicJwk: JsonWebKey): boolean {
  const algorithm = publicJwk.alg as SigningAlgorithm;
  if (!isSigningAlgorithm(algorithm) || decoded.header.alg !== algorithm) return false;
  const { kid: _kid, alg: _alg, use: _use, ...material } = publicJwk;
  const publicKey = createPublicKey({ key: material, format: 'jwk' });
  try {
    return verify(digestOf(algorithm), decoded.signingInput, algorithm.startsWith('ES') ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey, decoded.signature);
  } catch {
    return false;
  }
}
