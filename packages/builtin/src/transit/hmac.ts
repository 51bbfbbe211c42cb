import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidRequest } from '@coffer/sdk';
import { nodeDigest } from './hash-algorithms.js';
import { keyVersionOf, type KeyPolicy } from './key-policy.js';
import { parseVersioned, withVersion } from './versioned-value.js';

/** "vault:v<N>:<base64 HMAC>" of input with the version's HMAC key. */
export function hmacOf(policy: KeyPolicy, requestedVersion: number, algorithm: string, input: Buffer): { hmac: string; version: number } {
  let version = requestedVersion;
  if (version === 0) version = policy.latest_version;
  if (version < 0 || version > policy.latest_version) throw invalidRequest('invalid key version');
  if (policy.min_encryption_version > 0 && version < policy.min_encryption_version) {
    throw invalidRequest('cannot generate HMAC: version is too old (disallowed by policy)');
  }
  const entry = keyVersionOf(policy, version);
  if (!entry) throw invalidRequest('invalid key version');
  const mac = createHmac(nodeDigest(algorithm), Buffer.from(entry.hmac_key, 'base64')).update(input).digest();
  return { hmac: withVersion(version, mac.toString('base64')), version };
}

/** Check a "vault:v<N>:..." HMAC in constant time. */
export function verifyHmac(policy: KeyPolicy, algorithm: string, input: Buffer, given: string): boolean {
  const { version } = parseVersioned(policy, given, 'HMAC');
  const expected = Buffer.from(hmacOfVersion(policy, version, algorithm, input));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function hmacOfVersion(policy: KeyPolicy, version: number, algorithm: string, input: Buffer): string {
  const entry = keyVersionOf(policy, version);
  if (!entry) throw invalidRequest('invalid key version');
  return withVersion(version, createHmac(nodeDigest(algorithm), Buffer.from(entry.hmac_key, 'base64')).update(input).digest().toString('base64'));
}
