import { invalidRequest } from '@coffer/sdk';
import type { KeyPolicy } from './key-policy.js';

/** Ciphertexts, signatures and HMACs carry the key version: "vault:v<N>:<value>". */
const VERSION_PREFIX = 'vault:v';

export function withVersion(version: number, value: string): string {
  return `${VERSION_PREFIX}${version}:${value}`;
}

const ERR_TOO_OLD = 'ciphertext or signature version is disallowed by policy (too old)';

/**
 * Split "vault:v<N>:<value>" and check N against the key's versions, with
 * Vault's messages ("invalid ciphertext: no prefix", ...). `what` names the
 * kind of value in those messages.
 */
export function parseVersioned(policy: KeyPolicy, value: string, what: 'ciphertext' | 'signature' | 'HMAC'): { version: number; body: string } {
  if (!value.startsWith(VERSION_PREFIX)) throw invalidRequest(`invalid ${what}: no prefix`);
  const rest = value.slice(VERSION_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0) throw invalidRequest(`invalid ${what}: wrong number of fields`);
  const digits = rest.slice(0, colon);
  if (!/^[+-]?\d+$/.test(digits)) throw invalidRequest(`invalid ${what}: version number could not be decoded`);
  let version = Number.parseInt(digits, 10);
  // The first transit keys started at version 0.
  if (version === 0 && what === 'ciphertext') version = 1;
  if (version > policy.latest_version) throw invalidRequest(`invalid ${what}: version is too new`);
  if (policy.min_decryption_version > 0 && version < policy.min_decryption_version) throw invalidRequest(ERR_TOO_OLD);
  return { version, body: rest.slice(colon + 1) };
}

/**
 * Strict standard base64, as Go's StdEncoding reads it (Buffer.from would
 * silently skip characters that are not base64). Undefined when malformed.
 */
export function strictBase64(value: string): Buffer | undefined {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

export function decodeBase64(value: string, message: string): Buffer {
  const bytes = strictBase64(value);
  if (!bytes) throw invalidRequest(message);
  return bytes;
}
